// Small data sets and settings for the training-engine tests.
import { Rng } from '../src/engine/random.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import type { Parameters } from '../src/fit/train/initialize.js';
import type { TrainingData, TrainSettings } from '../src/fit/train/trainer.js';

/** Uniform features in [0, 1) and uniform labels; the test split is the training split. */
export function randomData(
  count: number,
  dim: number,
  classes: number,
  seed: number,
  image?: [number, number, number],
): TrainingData {
  const rng = new Rng(seed, 99);
  const x = new Float64Array(count * dim).map(() => rng.uniform());
  const labels = new Uint8Array(count).map(() => rng.int(classes));
  return { xTrain: x, labelsTrain: labels, xTest: x, labelsTest: labels, input: { dim, classes, image } };
}

export function settings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  return {
    loss: 'cross-entropy',
    optimizer: DEFAULT_OPTIMIZER,
    schedule: { name: 'constant' },
    epochs: 1,
    batchSize: 8,
    init: 'he',
    dataSeed: 1,
    evalEvery: 1,
    dtype: 'float64',
    stepsPerRun: 1,
    ...overrides,
  };
}

/** The largest difference between two parameter sets, relative to each tensor's largest entry of a. */
export function maxRelativeDifference(a: Parameters, b: Parameters): number {
  let worst = 0;
  for (const kind of ['w', 'b'] as const) {
    a[kind].forEach((t, l) => {
      const scale = Math.max(1e-12, ...t.map(Math.abs));
      t.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[kind][l][i]) / scale)));
    });
  }
  return worst;
}
