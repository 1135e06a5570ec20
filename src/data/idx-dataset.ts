// A Dataset from the four IDX files of an MNIST-style data set (train/test × images/labels).
import type { Dataset, Split } from './dataset.js';
import { parseIdx } from './idx.js';
import { pixelSplit } from './pixel-split.js';

/** MNIST-format data sets (MNIST, Fashion-MNIST, KMNIST) have ten classes, labelled 0–9. */
const MAX_LABEL = 9;

export interface NamedBytes {
  readonly bytes: Uint8Array;
  /** A path or name, used in error messages. */
  readonly source: string;
}

export interface IdxFiles {
  readonly trainImages: NamedBytes;
  readonly trainLabels: NamedBytes;
  readonly testImages: NamedBytes;
  readonly testLabels: NamedBytes;
}

/** Pixels are scaled to [0, 1]; classes = largest label + 1 (at least 2, at most 10). */
export function datasetFromIdx(files: IdxFiles, name: string): Dataset {
  const { split: train, rows, cols } = readSplit(files.trainImages, files.trainLabels);
  const test = readSplit(files.testImages, files.testLabels);
  if (rows !== test.rows || cols !== test.cols) {
    throw new Error(
      `${name}: training images (${files.trainImages.source}) are ${rows} × ${cols}, ` +
        `test images (${files.testImages.source}) are ${test.rows} × ${test.cols}`,
    );
  }
  let maxLabel = 0;
  for (const s of [train, test.split]) for (const l of s.labels) if (l > maxLabel) maxLabel = l;
  return {
    name,
    dim: rows * cols,
    classes: Math.max(2, maxLabel + 1),
    shape: [1, rows, cols],
    train,
    test: test.split,
  };
}

function readSplit(
  imagesFile: NamedBytes,
  labelsFile: NamedBytes,
): { split: Split; rows: number; cols: number } {
  const images = parseIdx(imagesFile.bytes, imagesFile.source);
  const labels = parseIdx(labelsFile.bytes, labelsFile.source);
  if (images.dims.length !== 3) {
    throw new Error(
      `${imagesFile.source}: images must have 3 dimensions (count × rows × cols), found ${images.dims.length}`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${labelsFile.source}: labels must have 1 dimension, found ${labels.dims.length}`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(
      `image and label counts differ: ${imagesFile.source} has ${count} images, ` +
        `${labelsFile.source} has ${labels.dims[0]} labels`,
    );
  }
  // A label past 9 is a damaged or foreign file; taken as a class it would make up to 256 classes.
  const bad = labels.data.findIndex((l) => l > MAX_LABEL);
  if (bad >= 0) {
    throw new Error(
      `${labelsFile.source}: label ${labels.data[bad]} at index ${bad}; MNIST-format labels are 0–${MAX_LABEL}`,
    );
  }
  // x = pixel / 255, made when first read (a subset converts only its rows). Copy the labels:
  // parseIdx returns a view into the (possibly large, shared) file buffer.
  return { split: pixelSplit(images.data, labels.data.slice(), count), rows, cols };
}
