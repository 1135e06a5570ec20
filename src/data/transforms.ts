// Transforms: pure functions Dataset → Dataset. They never mutate their input; arrays they do not
// change may be shared with it.
import { Rng, Streams } from '../engine/random.js';
import type { Dataset, Split } from './dataset.js';
import { pixelsOf, scalePixels } from './pixel-split.js';

/**
 * A seeded random subset of `nTrain` training and `nTest` test points. Train indices are the first
 * nTrain of a permutation of the train split; test indices come from a second permutation drawn
 * afterwards from the same stream.
 */
export function subset(ds: Dataset, nTrain: number, nTest: number, seed: number): Dataset {
  checkCount(nTrain, ds.train.count, 'training', ds.name);
  checkCount(nTest, ds.test.count, 'test', ds.name);
  const rng = new Rng(seed, Streams.subset);
  const trainIdx = rng.permutation(ds.train.count).subarray(0, nTrain);
  const testIdx = rng.permutation(ds.test.count).subarray(0, nTest);
  return { ...ds, train: pick(ds.train, trainIdx, ds.dim), test: pick(ds.test, testIdx, ds.dim) };
}

function checkCount(n: number, available: number, which: string, name: string): void {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`subset: n must be a positive integer, got ${n}`);
  if (n > available) {
    const field = which === 'test' ? 'nTest' : 'n';
    throw new Error(`${field} = ${n} is larger than the ${available} ${which} images of ${name}`);
  }
}

function pick(s: Split, idx: Int32Array, dim: number): Split {
  const x = new Float64Array(idx.length * dim);
  const labels = new Uint8Array(idx.length);
  // Image bytes not yet converted: convert only the rows taken (the same values as s.x's).
  const pixels = pixelsOf(s);
  idx.forEach((r, i) => {
    if (pixels) scalePixels(pixels.subarray(r * dim, (r + 1) * dim), x, i * dim);
    else x.set(s.x.subarray(r * dim, (r + 1) * dim), i * dim);
    labels[i] = s.labels[r];
  });
  return { x, labels, count: idx.length };
}

/**
 * Label noise as in Nakkiran et al.: exactly round(p · nTrain) training points, chosen at random,
 * get a uniformly random *different* class. Test labels are untouched. `corrupted` lists the
 * affected training indices in ascending order.
 */
export function labelNoiseWithIndices(
  ds: Dataset,
  p: number,
  seed: number,
): { dataset: Dataset; corrupted: Int32Array } {
  if (!(p >= 0 && p <= 1)) throw new Error(`labelNoise: p must be in [0, 1], got p = ${p}`);
  if (ds.classes < 2) throw new Error(`labelNoise: ${ds.name} has ${ds.classes} class; need at least 2`);
  const rng = new Rng(seed, Streams.labelNoise);
  const n = ds.train.count;
  const corrupted = rng
    .permutation(n)
    .slice(0, Math.round(p * n))
    .sort();
  const labels = ds.train.labels.slice();
  // Adding 1..classes-1 modulo classes gives each wrong class with equal probability.
  for (const i of corrupted) labels[i] = (labels[i] + 1 + rng.int(ds.classes - 1)) % ds.classes;
  return { dataset: { ...ds, train: { ...ds.train, labels } }, corrupted };
}

export function labelNoise(ds: Dataset, p: number, seed: number): Dataset {
  return labelNoiseWithIndices(ds, p, seed).dataset;
}

/** One-hot targets, row-major `labels.length × classes`. */
export function oneHot(labels: Uint8Array, classes: number): Float64Array {
  const out = new Float64Array(labels.length * classes);
  labels.forEach((l, i) => {
    if (l >= classes) throw new Error(`oneHot: label ${l} at index ${i} is not below ${classes} classes`);
    out[i * classes + l] = 1;
  });
  return out;
}

/**
 * Images shrunk by an integer factor f: each output pixel is the mean of an f×f block of its
 * channel (average pooling, stride f). Both splits; a CPU-sized network sees (H/f)×(W/f) images
 * at about 1/f² of the convolution work. f = 1 returns the data set unchanged.
 */
export function downsampleImages(ds: Dataset, factor: number): Dataset {
  if (!(Number.isInteger(factor) && factor >= 1)) {
    throw new Error(`downsample: the factor must be a positive integer, got ${factor}`);
  }
  if (factor === 1) return ds;
  if (!ds.shape) throw new Error(`downsample: ${ds.name} is not an image data set (it has no shape)`);
  const [c, h, w] = ds.shape;
  if (h % factor !== 0 || w % factor !== 0) {
    throw new Error(`downsample: ${ds.name}'s ${h}×${w} images do not divide by the factor ${factor}`);
  }
  const [ho, wo] = [h / factor, w / factor];
  const dim = c * ho * wo;
  const shrink = (s: Split): Split => {
    const x = new Float64Array(s.count * dim);
    const area = factor * factor;
    for (let r = 0; r < s.count; r++)
      for (let ch = 0; ch < c; ch++) {
        const from = r * ds.dim + ch * h * w;
        const to = r * dim + ch * ho * wo;
        for (let i = 0; i < h; i++)
          for (let j = 0; j < w; j++)
            x[to + Math.floor(i / factor) * wo + Math.floor(j / factor)] += s.x[from + i * w + j];
        for (let p = 0; p < ho * wo; p++) x[to + p] /= area;
      }
    return { x, labels: s.labels, count: s.count };
  };
  return { ...ds, dim, shape: [c, ho, wo], train: shrink(ds.train), test: shrink(ds.test) };
}
