// CIFAR-10, binary version: each batch file is a sequence of 3073-byte records, one label byte
// (0–9) then 3072 pixel bytes: the 32×32 red plane, then green, then blue, each row-major.
import type { Dataset, Split } from './dataset.js';
import type { NamedBytes } from './idx-dataset.js';
import { pixelSplit } from './pixel-split.js';

const CLASSES = 10;
const SHAPE = [3, 32, 32] as const;
const PIXELS = SHAPE[0] * SHAPE[1] * SHAPE[2];
const RECORD = 1 + PIXELS;

/**
 * Parses one batch file; pixels are scaled to [0, 1] and each row of x is in CHW order (the file's
 * own order). `source` (a path or a name) is named in every error.
 */
export function parseCifarBatch(bytes: Uint8Array, source: string): Split {
  return readBatches([{ bytes, source }]);
}

/** The training batches, concatenated in the order given, and the test batch. */
export function datasetFromCifarBatches(
  train: readonly NamedBytes[],
  test: NamedBytes,
  name: string,
): Dataset {
  if (train.length === 0) throw new Error(`${name}: no CIFAR-10 training batch given`);
  return {
    name,
    dim: PIXELS,
    classes: CLASSES,
    shape: SHAPE,
    train: readBatches(train),
    test: readBatches([test]),
  };
}

/**
 * The pixels of all records in one byte array (184 MB for the training set); x = pixel / 255 is
 * made when first read (1.5 GB as f64), and a subset converts only its rows (pixel-split.ts).
 */
function readBatches(files: readonly NamedBytes[]): Split {
  const count = files.reduce((n, f) => n + recordCount(f), 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let row = 0;
  for (const { bytes, source } of files) {
    for (let r = 0; r < bytes.length / RECORD; r++, row++) {
      const label = bytes[r * RECORD];
      // A bad label usually means another format (CIFAR-100 has two label bytes) or a damaged file.
      if (label >= CLASSES) {
        throw new Error(`${source}: record ${r} has label ${label}; CIFAR-10 labels are 0–${CLASSES - 1}`);
      }
      labels[row] = label;
      const from = r * RECORD + 1;
      pixels.set(bytes.subarray(from, from + PIXELS), row * PIXELS);
    }
  }
  return pixelSplit(pixels, labels, count);
}

function recordCount({ bytes, source }: NamedBytes): number {
  if (bytes.length === 0) {
    throw new Error(`${source}: empty file: a CIFAR-10 batch holds ${RECORD}-byte records`);
  }
  if (bytes.length % RECORD !== 0) {
    throw new Error(
      `${source}: ${bytes.length} bytes is not a multiple of the ${RECORD}-byte CIFAR-10 record ` +
        `(${Math.floor(bytes.length / RECORD)} whole records, remainder ${bytes.length % RECORD} bytes)`,
    );
  }
  return bytes.length / RECORD;
}
