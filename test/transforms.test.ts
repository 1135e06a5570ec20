import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import {
  downsampleImages,
  labelNoise,
  labelNoiseWithIndices,
  oneHot,
  subset,
} from '../src/data/transforms.js';
import { pixelSplit, pixelsOf } from '../src/data/pixel-split.js';
import { Rng } from '../src/engine/random.js';

/** A synthetic data set whose row i has features [i, i + 0.5] so rows are recognizable. */
function synthetic(nTrain: number, nTest: number, classes = 10): Dataset {
  const rng = new Rng(99);
  const split = (n: number, offset: number) => ({
    x: Float64Array.from({ length: 2 * n }, (_, k) => offset + Math.floor(k / 2) + (k % 2) * 0.5),
    labels: Uint8Array.from({ length: n }, () => rng.int(classes)),
    count: n,
  });
  return { name: 'synth', dim: 2, classes, train: split(nTrain, 0), test: split(nTest, 1e6) };
}

describe('subset', () => {
  const ds = synthetic(100, 40);

  it('is deterministic in the seed', () => {
    expect(subset(ds, 10, 5, 1)).toEqual(subset(ds, 10, 5, 1));
    expect(subset(ds, 10, 5, 1).train.x).not.toEqual(subset(ds, 10, 5, 2).train.x);
  });

  it('keeps whole original rows with their labels, without repeats', () => {
    const s = subset(ds, 30, 20, 7);
    expect(s).toMatchObject({ name: 'synth', dim: 2, classes: 10 });
    for (const [part, orig, offset] of [
      [s.train, ds.train, 0],
      [s.test, ds.test, 1e6],
    ] as const) {
      const rows = new Set<number>();
      for (let i = 0; i < part.count; i++) {
        const r = part.x[2 * i] - offset;
        rows.add(r);
        expect([part.x[2 * i], part.x[2 * i + 1]]).toEqual([orig.x[2 * r], orig.x[2 * r + 1]]);
        expect(part.labels[i]).toBe(orig.labels[r]);
      }
      expect(rows.size).toBe(part.count);
    }
  });

  it('does not mutate its input', () => {
    const before = structuredClone(ds);
    subset(ds, 50, 10, 3);
    expect(ds).toEqual(before);
  });

  it('rejects n that is not a positive integer or too large', () => {
    expect(() => subset(ds, 0, 5, 1)).toThrow(/positive integer, got 0/);
    expect(() => subset(ds, 2.5, 5, 1)).toThrow(/positive integer, got 2.5/);
    expect(() => subset(ds, 101, 5, 1)).toThrow(/n = 101 is larger than the 100 training images of synth/);
    expect(() => subset(ds, 10, 41, 1)).toThrow(/nTest = 41 is larger than the 40 test images of synth/);
  });
});

describe('subset of 8-bit images (pixel splits)', () => {
  const rng = new Rng(7);
  const dim = 3;
  const images = (n: number) => {
    const pixels = Uint8Array.from({ length: n * dim }, () => rng.int(256));
    const labels = Uint8Array.from({ length: n }, () => rng.int(10));
    return { pixels, labels, n };
  };
  const train = images(60);
  const test = images(30);
  const fromPixels = (): Dataset => ({
    name: 'px',
    dim,
    classes: 10,
    train: pixelSplit(train.pixels.slice(), train.labels, train.n),
    test: pixelSplit(test.pixels.slice(), test.labels, test.n),
  });
  // The same data converted up front, element by element.
  const plain = (s: typeof train) => ({
    x: Float64Array.from(s.pixels, (b) => b / 255),
    labels: s.labels,
    count: s.n,
  });
  const converted: Dataset = { name: 'px', dim, classes: 10, train: plain(train), test: plain(test) };

  it('gives exactly the subset of the data converted up front', () => {
    for (const seed of [1, 2, 3])
      expect(subset(fromPixels(), 12, 7, seed)).toEqual(subset(converted, 12, 7, seed));
  });

  it('converts only the rows it takes: the whole x is made on its first read', () => {
    const ds = fromPixels();
    subset(ds, 12, 7, 1);
    // Changing the bytes now shows in x: subset did not read (and so did not convert) the whole x.
    pixelsOf(ds.train)![0] = 255;
    expect(ds.train.x[0]).toBe(1);
    expect(ds.train.x).toEqual(Float64Array.from(pixelsOf(ds.train)!, (b) => b / 255));
    // Once made, x stays the same array.
    expect(ds.train.x).toBe(ds.train.x);
  });

  it('a split copied by spreading is a plain split (its x, not the bytes, is what subset reads)', () => {
    const ds = fromPixels();
    const copy = { ...ds.train, x: new Float64Array(ds.train.x.length).fill(0.5) };
    expect(pixelsOf(copy)).toBeUndefined();
    const picked = subset({ ...ds, train: copy }, 4, 2, 1).train.x;
    expect([...picked]).toEqual(new Array(4 * dim).fill(0.5));
  });
});

describe('labelNoise', () => {
  const ds = synthetic(500, 50, 3);

  it('changes exactly round(p n) training labels, each to a different class', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (p, seed) => {
          const { dataset, corrupted } = labelNoiseWithIndices(ds, p, seed);
          expect(corrupted.length).toBe(Math.round(p * 500));
          const hit = new Set(corrupted);
          expect(hit.size).toBe(corrupted.length);
          for (let i = 0; i < 500; i++) {
            if (hit.has(i)) expect(dataset.train.labels[i]).not.toBe(ds.train.labels[i]);
            else expect(dataset.train.labels[i]).toBe(ds.train.labels[i]);
          }
          expect(dataset.test).toBe(ds.test);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('hits the requested rate on 10000 samples, with wrong classes spread uniformly', () => {
    const big = synthetic(10000, 10);
    const noisy = labelNoise(big, 0.2, 5);
    let changed = 0;
    const shifts = new Array(10).fill(0);
    for (let i = 0; i < 10000; i++) {
      if (noisy.train.labels[i] !== big.train.labels[i]) changed++;
      shifts[(noisy.train.labels[i] - big.train.labels[i] + 10) % 10]++;
    }
    expect(changed / 10000).toBe(0.2);
    // 2000 corrupted labels over 9 shifts: about 222 each.
    for (let s = 1; s < 10; s++) expect(Math.abs(shifts[s] - 2000 / 9)).toBeLessThan(70);
  });

  it('is deterministic, does not mutate, and rejects p outside [0, 1]', () => {
    const before = ds.train.labels.slice();
    expect(labelNoise(ds, 0.3, 1).train.labels).toEqual(labelNoise(ds, 0.3, 1).train.labels);
    expect(labelNoise(ds, 0.3, 1).train.labels).not.toEqual(labelNoise(ds, 0.3, 2).train.labels);
    expect(ds.train.labels).toEqual(before);
    expect(() => labelNoise(ds, 1.5, 1)).toThrow(/p = 1.5/);
    expect(() => labelNoise(ds, NaN, 1)).toThrow(/p = NaN/);
  });
});

describe('oneHot', () => {
  it('writes one 1 per row', () => {
    expect([...oneHot(Uint8Array.from([2, 0]), 3)]).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('rejects labels outside the classes', () => {
    expect(() => oneHot(Uint8Array.from([0, 3]), 3)).toThrow(/label 3 at index 1/);
  });
});

describe('downsampleImages', () => {
  /** Two 2-channel 4×6 images with random pixels. */
  function images(): Dataset {
    const rng = new Rng(3);
    const split = (n: number) => ({
      x: Float64Array.from({ length: n * 48 }, () => rng.uniform()),
      labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
      count: n,
    });
    return { name: 'img', dim: 48, classes: 10, shape: [2, 4, 6], train: split(2), test: split(1) };
  }

  it('averages each f×f block of each channel (against a direct mean of the four pixels)', () => {
    const ds = images();
    const small = downsampleImages(ds, 2);
    expect(small.shape).toEqual([2, 2, 3]);
    expect(small.dim).toBe(12);
    expect(small.train.labels).toBe(ds.train.labels);
    for (const [s, big] of [
      [small.train, ds.train],
      [small.test, ds.test],
    ] as const)
      for (let r = 0; r < s.count; r++)
        for (let c = 0; c < 2; c++)
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 3; j++) {
              const px = (y: number, x: number) => big.x[r * 48 + c * 24 + y * 6 + x];
              const mean =
                (px(2 * i, 2 * j) + px(2 * i, 2 * j + 1) + px(2 * i + 1, 2 * j) + px(2 * i + 1, 2 * j + 1)) /
                4;
              expect(s.x[r * 12 + c * 6 + i * 3 + j]).toBeCloseTo(mean, 14);
            }
  });

  it('keeps the data set at factor 1 and names bad factors and non-images', () => {
    const ds = images();
    expect(downsampleImages(ds, 1)).toBe(ds);
    expect(() => downsampleImages(ds, 4)).toThrow(/img's 4×6 images do not divide by the factor 4/);
    expect(() => downsampleImages(ds, 0)).toThrow(/positive integer, got 0/);
    expect(() => downsampleImages({ ...ds, shape: undefined }, 2)).toThrow(/img is not an image data set/);
  });
});
