import { describe, expect, it } from 'vitest';
import {
  augmentBatch,
  augmentOptionsFor,
  minibatchAugmenter,
  STANDARD_AUGMENT,
  type AugmentOptions,
} from '../src/data/augment.js';
import { Rng, Streams } from '../src/engine/random.js';

type Shape = readonly [number, number, number];

/**
 * The definition, written out independently: the explicit zero-padded image of size
 * (H + 2p) × (W + 2p), its H×W window at (dy, dx) ∈ [0, 2p]², then an explicit left–right mirror.
 * It draws from the rng in the documented order (dy, dx, flip for each image).
 */
function naiveAugment(
  x: Float64Array,
  count: number,
  [c, h, w]: Shape,
  rng: Rng,
  { pad, flip }: AugmentOptions,
) {
  const out = new Float64Array(x.length);
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  for (let r = 0; r < count; r++) {
    const dy = pad > 0 ? rng.int(2 * pad + 1) : 0;
    const dx = pad > 0 ? rng.int(2 * pad + 1) : 0;
    const mirror = flip && rng.uniform() < 0.5;
    const padded = Array.from({ length: c }, () =>
      Array.from({ length: hp }, () => new Array<number>(wp).fill(0)),
    );
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) padded[ch][i + pad][j + pad] = x[r * c * h * w + (ch * h + i) * w + j];
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h; i++) {
        const cropped = padded[ch][i + dy].slice(dx, dx + w);
        const row = mirror ? cropped.reverse() : cropped;
        for (let j = 0; j < w; j++) out[r * c * h * w + (ch * h + i) * w + j] = row[j];
      }
  }
  return out;
}

function randomImages(count: number, [c, h, w]: Shape, seed: number): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(count * c * h * w), 0.1, 1);
}

/**
 * Reads back (dy, dx, mirror) of one augmented 1×h×w image whose source pixel (i, j) held
 * 1 + i·w + j (so every nonzero output value names its source pixel). dy, dx are in [0, 2p].
 */
function drawnTransform(out: Float64Array, h: number, w: number, pad: number) {
  for (let i = 0; i < h; i++) {
    const row = Array.from(out.subarray(i * w, (i + 1) * w));
    const cols = row.flatMap((v, j) => (v > 0 ? [[j, (v - 1) % w, Math.floor((v - 1) / w)]] : []));
    if (cols.length < 2) continue;
    const [[j0, s0, si], [j1, s1]] = cols;
    const mirror = s1 < s0;
    // Output column j reads source column (mirror ? w − 1 − j : j) + dx − p.
    const dx = s0 - (mirror ? w - 1 - j0 : j0) + pad;
    expect(Math.abs(s1 - s0)).toBe(j1 - j0);
    return { dy: si - i + pad, dx, mirror };
  }
  throw new Error('no row with two source pixels');
}

describe('augmentBatch', () => {
  it('equals the explicit pad-crop-mirror, for f64 and f32, on non-square colour images', () => {
    const shape: Shape = [3, 5, 7];
    for (const options of [
      STANDARD_AUGMENT,
      { pad: 2, flip: true },
      { pad: 3, flip: false },
      { pad: 0, flip: true },
    ]) {
      const x = randomImages(40, shape, 3);
      const expected = naiveAugment(x, 40, shape, new Rng(11), options);
      const f64 = x.slice();
      augmentBatch(f64, 40, shape, new Rng(11), options);
      expect(f64).toEqual(expected);
      const f32 = Float32Array.from(x);
      augmentBatch(f32, 40, shape, new Rng(11), options);
      expect(f32).toEqual(Float32Array.from(expected));
      // Some image was actually moved: the comparison is not identity against identity.
      expect(f64).not.toEqual(x);
    }
  });

  it('pad 4 with flip on the CIFAR shape equals the definition', () => {
    const shape: Shape = [3, 32, 32];
    const x = randomImages(6, shape, 5);
    const expected = naiveAugment(x, 6, shape, new Rng(2), STANDARD_AUGMENT);
    augmentBatch(x, 6, shape, new Rng(2), STANDARD_AUGMENT);
    expect(x).toEqual(expected);
  });

  it('draws every offset in [0, 2p]² about equally often, and flips about half the images', () => {
    // 8100 images, 81 offset cells of expected count 100. Chi-square with 80 degrees of freedom has
    // mean 80 and sd 12.6; its 1 − 10⁻⁶ quantile is 155 (Wilson–Hilferty), so a correct sampler
    // fails with probability 10⁻⁶ (and the seed is fixed); a missing offset alone adds 100.
    const [h, w, pad] = [8, 8, 4];
    const count = 8100;
    const x = new Float64Array(count * h * w);
    for (let r = 0; r < count; r++) for (let k = 0; k < h * w; k++) x[r * h * w + k] = 1 + k;
    augmentBatch(x, count, [1, h, w], new Rng(7), { pad, flip: true });
    const cells = new Array<number>(81).fill(0);
    let flips = 0;
    for (let r = 0; r < count; r++) {
      const { dy, dx, mirror } = drawnTransform(x.subarray(r * h * w, (r + 1) * h * w), h, w, pad);
      expect(dy).toBeGreaterThanOrEqual(0);
      expect(dy).toBeLessThanOrEqual(2 * pad);
      expect(dx).toBeGreaterThanOrEqual(0);
      expect(dx).toBeLessThanOrEqual(2 * pad);
      cells[dy * 9 + dx]++;
      if (mirror) flips++;
    }
    expect(Math.min(...cells)).toBeGreaterThan(0); // the full range, corners included
    const chiSquare = cells.reduce((s, n) => s + (n - 100) ** 2 / 100, 0);
    expect(chiSquare).toBeLessThan(155);
    // Binomial(8100, 1/2): sd 45; 5 sd either side.
    expect(Math.abs(flips - count / 2)).toBeLessThan(5 * 45);
  });

  it('pad 0 without flip is the identity and draws nothing', () => {
    const x = randomImages(5, [2, 4, 6], 1);
    const y = x.slice();
    const rng = new Rng(3);
    augmentBatch(y, 5, [2, 4, 6], rng, { pad: 0, flip: false });
    expect(y).toEqual(x);
    expect(rng.uniform()).toBe(new Rng(3).uniform());
  });

  it('flip alone mirrors each row or leaves it', () => {
    const shape: Shape = [1, 3, 4];
    const x = randomImages(50, shape, 8);
    const y = x.slice();
    augmentBatch(y, 50, shape, new Rng(4), { pad: 0, flip: true });
    let mirrored = 0;
    for (let r = 0; r < 50; r++) {
      const src = Array.from(x.subarray(r * 12, (r + 1) * 12));
      const got = Array.from(y.subarray(r * 12, (r + 1) * 12));
      const flipped = [0, 1, 2].flatMap((i) => src.slice(i * 4, i * 4 + 4).reverse());
      expect([src, flipped]).toContainEqual(got);
      if (got[0] !== src[0]) mirrored++;
    }
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThan(50);
  });

  it('names bad shapes, pads and row lengths', () => {
    const x = new Float64Array(64);
    const rng = new Rng(1);
    expect(() => augmentBatch(x, 1, [1, 8, 8], rng, { pad: 8, flip: true })).toThrow(
      /pad 8 must be smaller than the image's height and width \(1×8×8\)/,
    );
    expect(() =>
      augmentBatch(new Float64Array(3 * 4 * 20), 1, [3, 4, 20], rng, { pad: 4, flip: false }),
    ).toThrow(/pad 4 must be smaller/);
    expect(() => augmentBatch(x, 1, [1, 8, 8], rng, { pad: 1.5, flip: true })).toThrow(
      /pad must be an integer ≥ 0, got 1.5/,
    );
    expect(() => augmentBatch(x, 1, [1, 8, 8], rng, { pad: -1, flip: true })).toThrow(
      /pad must be an integer ≥ 0/,
    );
    expect(() => augmentBatch(x, 2, [1, 8, 8], rng)).toThrow(
      /x has 64 values, but 2 rows of length C·H·W = 1·8·8 = 64 make 128/,
    );
    expect(() => augmentBatch(new Float64Array(63), 1, [1, 8, 8], rng)).toThrow(/x has 63 values/);
    expect(() => augmentBatch(x, 1, [0, 8, 8], rng)).toThrow(/image shape must be three positive integers/);
    expect(() => augmentBatch(x, -1, [1, 8, 8], rng)).toThrow(/count must be an integer ≥ 0, got -1/);
  });
});

describe('minibatchAugmenter', () => {
  const shape: Shape = [3, 8, 8];

  it('depends only on the seed and the step', () => {
    const x = randomImages(4, shape, 2);
    const run = (seed: number, step: number) => {
      const y = x.slice();
      minibatchAugmenter(shape, STANDARD_AUGMENT, seed)(y, 4, step);
      return y;
    };
    expect(run(1, 5)).toEqual(run(1, 5));
    // Steps in any order, with other steps in between: the same batch for the same (seed, step).
    const augment = minibatchAugmenter(shape, STANDARD_AUGMENT, 1);
    const y = x.slice();
    augment(x.slice(), 4, 9);
    augment(y, 4, 5);
    expect(y).toEqual(run(1, 5));
    expect(run(1, 6)).not.toEqual(run(1, 5));
    expect(run(2, 5)).not.toEqual(run(1, 5));
    // It is augmentBatch on the step's own stream.
    const z = x.slice();
    augmentBatch(z, 4, shape, new Rng(1, Streams.augment + 5), STANDARD_AUGMENT);
    expect(z).toEqual(run(1, 5));
  });

  it('checks the shape when made, and the step when called', () => {
    expect(() => minibatchAugmenter([1, 4, 4], STANDARD_AUGMENT, 1)).toThrow(/pad 4 must be smaller/);
    const augment = minibatchAugmenter(shape, STANDARD_AUGMENT, 1);
    expect(() => augment(new Float64Array(192), 1, -1)).toThrow(
      /step must be an integer in \[0, 2\^30\), got -1/,
    );
  });
});

describe('augmentOptionsFor', () => {
  it("is off by default for one-channel (MNIST-like) images under 'auto', on for colour images", () => {
    expect(augmentOptionsFor('auto', [1, 28, 28])).toBeUndefined();
    expect(augmentOptionsFor('auto', [3, 32, 32])).toEqual(STANDARD_AUGMENT);
    expect(augmentOptionsFor('auto', undefined)).toBeUndefined();
    // MNIST-1D's signals are (channels, 1, length): not images to crop.
    expect(augmentOptionsFor('auto', [3, 1, 40])).toBeUndefined();
    expect(augmentOptionsFor('off', [3, 32, 32])).toBeUndefined();
    expect(augmentOptionsFor('on', [1, 28, 28])).toEqual(STANDARD_AUGMENT);
  });

  it("names why 'on' cannot apply", () => {
    expect(() => augmentOptionsFor('on', undefined)).toThrow(/needs image data/);
    expect(() => augmentOptionsFor('on', [1, 1, 40])).toThrow(
      /pad 4 must be smaller than the image's height/,
    );
  });
});
