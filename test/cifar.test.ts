import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { datasetFromCifarBatches, parseCifarBatch } from '../src/data/cifar10.js';
import { encodeIdx } from '../src/data/idx.js';
import { labelNoise, subset } from '../src/data/transforms.js';
import { cifarPathsInDir, FASHION_MNIST_DIR, loadDatasetByName } from '../src/sweep/dataset-files.js';

const RECORD = 3073;

/** One CIFAR-10 record: a label, then pixel i of the image = (i * 7 + seed) mod 256. */
function record(label: number, seed: number): Uint8Array {
  const r = new Uint8Array(RECORD);
  r[0] = label;
  for (let i = 0; i < 3072; i++) r[1 + i] = (i * 7 + seed) & 255;
  return r;
}

function batch(...records: [label: number, seed: number][]): Uint8Array {
  const out = new Uint8Array(records.length * RECORD);
  records.forEach(([label, seed], i) => out.set(record(label, seed), i * RECORD));
  return out;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'ddlab-cifar-'));

describe('parseCifarBatch', () => {
  it('reads labels and pixels scaled to [0, 1] in CHW order', () => {
    const { x, labels, count } = parseCifarBatch(batch([3, 0], [9, 5]), 'b.bin');
    expect(count).toBe(2);
    expect([...labels]).toEqual([3, 9]);
    expect(x.length).toBe(2 * 3072);
    // Channel c, row h, column w of sample s sits at s·3072 + c·1024 + h·32 + w.
    const at = (s: number, c: number, h: number, w: number) => x[s * 3072 + c * 1024 + h * 32 + w];
    const byte = (s: number, c: number, h: number, w: number) =>
      ((c * 1024 + h * 32 + w) * 7 + [0, 5][s]) & 255;
    for (const [s, c, h, w] of [
      [0, 0, 0, 0],
      [0, 0, 0, 31],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [1, 2, 31, 31],
      [1, 1, 17, 4],
    ])
      expect(at(s, c, h, w)).toBe(byte(s, c, h, w) / 255);
    expect(Math.min(...x)).toBe(0);
    expect(Math.max(...x)).toBe(1);
  });

  it('rejects an empty file', () => {
    expect(() => parseCifarBatch(new Uint8Array(0), 'e.bin')).toThrow(/e\.bin: empty file/);
  });

  it('rejects a length that is not a multiple of 3073, giving the length and remainder', () => {
    const file = new Uint8Array(2 * RECORD + 10);
    expect(() => parseCifarBatch(file, 't.bin')).toThrow(
      /t\.bin: 6156 bytes is not a multiple of the 3073-byte CIFAR-10 record \(2 whole records, remainder 10 bytes\)/,
    );
  });

  it('rejects a label above 9, giving the record and value', () => {
    expect(() => parseCifarBatch(batch([1, 0], [10, 0]), 'l.bin')).toThrow(
      /l\.bin: record 1 has label 10; CIFAR-10 labels are 0–9/,
    );
  });
});

describe('datasetFromCifarBatches', () => {
  const train = [
    { bytes: batch([0, 1], [1, 2]), source: 'b1' },
    { bytes: batch([2, 3]), source: 'b2' },
  ];
  const test = { bytes: batch([7, 4]), source: 'tb' };

  it('concatenates the training batches in order, with dim 3072, 10 classes, shape [3, 32, 32]', () => {
    const ds = datasetFromCifarBatches(train, test, 'c');
    expect(ds).toMatchObject({ name: 'c', dim: 3072, classes: 10, shape: [3, 32, 32] });
    expect(ds.train.count).toBe(3);
    expect([...ds.train.labels]).toEqual([0, 1, 2]);
    expect(ds.train.x.subarray(2 * 3072)).toEqual(parseCifarBatch(train[1].bytes, 'b2').x);
    expect([...ds.test.labels]).toEqual([7]);
    expect(ds.test.x[1]).toBe(11 / 255);
  });

  it('names the bad batch among several', () => {
    const bad = { bytes: batch([0, 0]).subarray(1), source: 'b3' };
    expect(() => datasetFromCifarBatches([...train, bad], test, 'c')).toThrow(/^b3: 3072 bytes/);
  });

  it('keeps the shape through subset and label noise', () => {
    const ds = datasetFromCifarBatches(train, test, 'c');
    expect(subset(ds, 2, 1, 0).shape).toEqual([3, 32, 32]);
    expect(labelNoise(ds, 0.5, 0).shape).toEqual([3, 32, 32]);
  });
});

describe('loadDatasetByName: CIFAR-10 folders', () => {
  it('loads data_batch_1..5 present, in order, and test_batch.bin', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data_batch_1.bin'), batch([1, 0]));
    writeFileSync(join(dir, 'data_batch_3.bin'), batch([3, 0], [4, 0]));
    writeFileSync(join(dir, 'test_batch.bin'), batch([5, 0]));
    expect(cifarPathsInDir(dir)?.train.map((p) => p.slice(dir.length + 1))).toEqual([
      'data_batch_1.bin',
      'data_batch_3.bin',
    ]);
    const ds = loadDatasetByName(dir);
    expect(ds).toMatchObject({ name: dir, dim: 3072, classes: 10, shape: [3, 32, 32] });
    expect([...ds.train.labels]).toEqual([1, 3, 4]);
    expect([...ds.test.labels]).toEqual([5]);
  });

  it('finds the batches in the cifar-10-batches-bin subfolder', () => {
    const dir = tempDir();
    const sub = join(dir, 'cifar-10-batches-bin');
    mkdirSync(sub);
    writeFileSync(join(sub, 'data_batch_1.bin'), batch([2, 0]));
    writeFileSync(join(sub, 'test_batch.bin'), batch([6, 0]));
    const ds = loadDatasetByName(dir);
    expect([...ds.train.labels]).toEqual([2]);
    expect([...ds.test.labels]).toEqual([6]);
  });

  it('names a missing test batch', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data_batch_1.bin'), batch([2, 0]));
    expect(() => loadDatasetByName(dir)).toThrow(/has CIFAR-10 training batches but lacks test_batch\.bin/);
  });

  it('names the file of a bad batch', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data_batch_1.bin'), batch([2, 0]));
    writeFileSync(join(dir, 'test_batch.bin'), new Uint8Array(5));
    expect(() => loadDatasetByName(dir)).toThrow(/test_batch\.bin: 5 bytes is not a multiple/);
  });
});

describe('loadDatasetByName: IDX folders, names, errors', () => {
  it('loads a gzipped Fashion-MNIST-style folder with shape [1, rows, cols]', () => {
    const dir = tempDir();
    const images = (n: number) =>
      encodeIdx(
        [n, 2, 3],
        Uint8Array.from({ length: n * 6 }, (_, i) => (i * 40) & 255),
      );
    const labels = (...l: number[]) => encodeIdx([l.length], Uint8Array.from(l));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images(3)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(labels(9, 0, 4)));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(images(1)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels(2)));
    const ds = loadDatasetByName(dir);
    expect(ds).toMatchObject({ dim: 6, classes: 10, shape: [1, 2, 3] });
    expect([...ds.train.labels]).toEqual([9, 0, 4]);
    expect(ds.train.x[7]).toBe(((7 * 40) & 255) / 255);
  });

  it('rejects train and test images of different shapes, even with equal pixel counts', () => {
    const dir = tempDir();
    const one = (rows: number, cols: number) => encodeIdx([1, rows, cols], new Uint8Array(rows * cols));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), one(2, 3));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([1], new Uint8Array(1)));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), one(3, 2));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([1], new Uint8Array(1)));
    expect(() => loadDatasetByName(dir)).toThrow(
      /train-images-idx3-ubyte\) are 2 × 3, test images .* are 3 × 2/,
    );
  });

  it('says what a folder should hold when it has no data set files', () => {
    expect(() => loadDatasetByName(tempDir())).toThrow(
      /holds no data set files: expected the four IDX files \(train-images-idx3-ubyte.*\) or the CIFAR-10 batches \(data_batch_1\.bin … data_batch_5\.bin and test_batch\.bin/,
    );
  });

  it('names an unknown path and the files expected', () => {
    expect(() => loadDatasetByName('/nonexistent/cifar')).toThrow(
      /unknown data set \/nonexistent\/cifar: .*no folder.*expected a folder with the four IDX files.*CIFAR-10 batches/,
    );
  });

  it.skipIf(existsSync(FASHION_MNIST_DIR))(
    "points at Debian's package when the fashion-mnist folder is missing",
    () => {
      expect(() => loadDatasetByName('fashion-mnist')).toThrow(
        /\/usr\/share\/datasets\/fashion-mnist\/ does not exist: install Debian's dataset-fashion-mnist package .*or pass the folder of the IDX files/,
      );
    },
  );
});
