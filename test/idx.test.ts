import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetFromIdx } from '../src/data/idx-dataset.js';
import { encodeIdx, parseIdx } from '../src/data/idx.js';

const bytes = (...v: number[]) => Uint8Array.from(v);

describe('parseIdx', () => {
  it('parses a hand-written file', () => {
    const file = bytes(0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255);
    const { dims, data } = parseIdx(file, 'tiny');
    expect(dims).toEqual([2, 3]);
    expect([...data]).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('round-trips random dims and data', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }), fc.integer(), (dims, salt) => {
        const size = dims.reduce((a, b) => a * b, 1);
        const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + salt) & 255);
        const parsed = parseIdx(encodeIdx(dims, data), 'rand');
        expect(parsed.dims).toEqual(dims);
        expect(parsed.data).toEqual(data);
      }),
    );
  });

  it('reads big-endian dimensions above 255', () => {
    const data = new Uint8Array(300);
    expect(parseIdx(encodeIdx([300], data), 'big').dims).toEqual([300]);
  });

  it('rejects a truncated header', () => {
    expect(() => parseIdx(bytes(0, 0), 'f.idx')).toThrow(/f\.idx: truncated header/);
    expect(() => parseIdx(bytes(0, 0, 8, 3, 0, 0, 0, 1), 'g.idx')).toThrow(
      /g\.idx: truncated header.*3 dimensions/,
    );
  });

  it('rejects a wrong magic, naming expected and found in hex', () => {
    expect(() => parseIdx(bytes(1, 2, 8, 1, 0, 0, 0, 0), 'f.idx')).toThrow(
      /f\.idx: bad magic number: expected 0x0000.*found 0x01020801/,
    );
    expect(() => parseIdx(bytes(0x1f, 0x8b, 8, 0), 'f.gz')).toThrow(/gzip/);
  });

  it('rejects unsupported data types by name', () => {
    expect(() => parseIdx(bytes(0, 0, 0x0d, 1, 0, 0, 0, 0), 'f.idx')).toThrow(
      /f\.idx: unsupported IDX data type 0x0d/,
    );
  });

  it('rejects truncated data', () => {
    const file = encodeIdx([2, 3], new Uint8Array(6)).subarray(0, 16);
    expect(() => parseIdx(file, 'f.idx')).toThrow(/f\.idx: truncated: expected 6 bytes of data.*found 4/);
  });

  it('rejects trailing bytes', () => {
    const file = new Uint8Array(8 + 2 + 2);
    file.set(encodeIdx([2], bytes(1, 2)));
    expect(() => parseIdx(file, 'f.idx')).toThrow(/f\.idx: 2 extra trailing bytes/);
  });
});

describe('datasetFromIdx', () => {
  const images = (n: number, seed = 0) =>
    encodeIdx(
      [n, 2, 2],
      Uint8Array.from({ length: n * 4 }, (_, i) => (i * 17 + seed) & 255),
    );
  const labels = (...l: number[]) => encodeIdx([l.length], Uint8Array.from(l));
  const files = (trainLabels = labels(0, 3, 1)) => ({
    trainImages: { bytes: images(3), source: 'tr-img' },
    trainLabels: { bytes: trainLabels, source: 'tr-lab' },
    testImages: { bytes: images(2, 5), source: 'te-img' },
    testLabels: { bytes: labels(2, 0), source: 'te-lab' },
  });

  it('scales pixels to [0, 1] and counts classes', () => {
    const ds = datasetFromIdx(files(), 'tiny');
    expect(ds).toMatchObject({ name: 'tiny', dim: 4, classes: 4 });
    expect(ds.train.count).toBe(3);
    expect(ds.test.count).toBe(2);
    expect(ds.train.x.length).toBe(12);
    expect(ds.train.x[1]).toBeCloseTo(17 / 255);
    expect(ds.test.x[0]).toBeCloseTo(5 / 255);
    expect([...ds.train.labels]).toEqual([0, 3, 1]);
  });

  it('has at least 2 classes', () => {
    const ds = datasetFromIdx(
      { ...files(labels(0, 0, 0)), testLabels: { bytes: labels(0, 0), source: 'x' } },
      't',
    );
    expect(ds.classes).toBe(2);
  });

  it('rejects mismatched image and label counts, naming both files and counts', () => {
    expect(() => datasetFromIdx(files(labels(0, 1)), 'tiny')).toThrow(
      /tr-img has 3 images, tr-lab has 2 labels/,
    );
  });

  it('rejects images that are not 3-D and labels that are not 1-D', () => {
    const flat = {
      ...files(),
      trainImages: { bytes: encodeIdx([3, 4], new Uint8Array(12)), source: 'flat' },
    };
    expect(() => datasetFromIdx(flat, 'tiny')).toThrow(/flat: images must have 3 dimensions/);
    const square = files(encodeIdx([3, 1], new Uint8Array(3)));
    expect(() => datasetFromIdx(square, 'tiny')).toThrow(/tr-lab: labels must have 1 dimension/);
  });
});
