// The worker-thread entry of FeatureLanes (feature-lanes.ts): raw features of one chunk of rows, on
// one ONNX Runtime thread (the lanes are the parallelism).
import { Piscina } from 'piscina';
import { rawFeatures } from '../models/random-features.js';
import type { RawFeatureTask } from '../models/feature-lanes.js';

export default async function (task: RawFeatureTask) {
  const y = await rawFeatures(task, { threads: 1 });
  // Hand the result's buffer over instead of copying it.
  return Piscina.move(y.data);
}
