// Typed arrays as graph inputs in the training precision (f32 for training, f64 for checks).
import { Tensor } from '../../engine/ort.js';
import { weightShape, type EnsemblePlan } from './ensemble-plan.js';
import type { Parameters } from './initialize.js';
import { biasName, weightName, type Dtype } from './network-graph.js';

export type OrtTensor = InstanceType<typeof Tensor>;
export type Floats = Float32Array | Float64Array;

export function tensor(dtype: Dtype, values: ArrayLike<number>, dims: number[]): OrtTensor {
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return new Tensor(dtype, data, dims);
}

/** `x` in the given precision (itself when it already is). */
export function inDtype(x: Floats, dtype: Dtype): Floats {
  if (dtype === 'float32') return x instanceof Float32Array ? x : Float32Array.from(x);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** Weight and bias inputs of every layer, by graph input name. */
export function parameterFeeds(plan: EnsemblePlan, dtype: Dtype, p: Parameters): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  plan.layers.forEach((layer, l) => {
    feeds[weightName(l)] = tensor(dtype, p.w[l], weightShape(layer));
    feeds[biasName(l)] = tensor(dtype, p.b[l], [layer.outTotal]);
  });
  return feeds;
}

/** The shape of `size` input points: images for the CNN, rows of features otherwise. */
export function inputDims(plan: EnsemblePlan, size: number): number[] {
  const { dim, image } = plan.input;
  return plan.family === 'cnn' && image ? [size, ...image] : [size, dim];
}

/** One-hot targets of `labels`, (size, 1, classes) as every loss graph reads them. */
export function oneHotFeed(dtype: Dtype, labels: ArrayLike<number>, classes: number): OrtTensor {
  const size = labels.length;
  const y = dtype === 'float32' ? new Float32Array(size * classes) : new Float64Array(size * classes);
  for (let i = 0; i < size; i++) y[i * classes + labels[i]] = 1;
  return new Tensor(dtype, y, [size, 1, classes]);
}
