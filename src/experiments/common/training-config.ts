// The configuration shared by the neural-network presets (mlp-width, epochwise, width-epoch-heatmap,
// samplewise, emc): data, network family, widths and the training procedure. Each field is
// validated here, with errors that name it.
import type { Dataset } from '../../data/dataset.js';
import { labelNoise, subset } from '../../data/transforms.js';
import { networkShape, type Family, type NetworkShape } from '../../models/network.js';
import { INIT_SCHEMES, type InitScheme } from '../../fit/train/initialize.js';
import type { LossKind } from '../../fit/train/network-graph.js';
import {
  DEFAULT_OPTIMIZER,
  OPTIMIZERS,
  type OptimizerConfig,
  type OptimizerName,
} from '../../fit/train/optimizer.js';
import { resolveSchedule, type ScheduleConfig } from '../../fit/train/schedule.js';
import type { TrainingData, TrainSettings } from '../../fit/train/trainer.js';
import { TRAINING_PROBES, type TrainingProbe } from '../../probes/gradient-regularization.js';
import { integer, nonEmptyString, numberIn, oneOf, positiveInteger } from './config-checks.js';
import { logSpacedFeatures } from './grid.js';

export type TrainingConfig = {
  /** 'mnist' (shipped), 'fashion-mnist', or a folder of IDX or CIFAR-10 binary files. */
  dataset: string;
  n: number;
  nTest: number;
  labelNoise: number;
  family: Family;
  /** MLP: hidden layers of equal width. (The CNN always has four conv layers k, 2k, 4k, 8k.) */
  depth: number;
  widths: number[];
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleConfig;
  loss: LossKind;
  init: InitScheme;
  evalEvery: number;
  /**
   * Belkin et al.'s weight reuse (one-hidden-layer MLPs): below the threshold (parameters < n·K)
   * each width starts from the trained next-narrower network, its new units drawn from N(0, 0.01).
   */
  reuse: boolean;
  /** Extra measurements at every evaluation: 'rig' (R_IG and its minibatch estimate), 'sharpness'. */
  probes: TrainingProbe[];
  seed: number;
};

export const TRAINING_KEYS = [
  'dataset',
  'n',
  'nTest',
  'labelNoise',
  'family',
  'depth',
  'widths',
  'epochs',
  'batchSize',
  'optimizer',
  'lr',
  'momentum',
  'weightDecay',
  'schedule',
  'loss',
  'init',
  'evalEvery',
  'reuse',
  'probes',
  'seed',
] as const;

export const TRAINING_DEFAULTS: TrainingConfig = {
  dataset: 'mnist',
  n: 4000,
  nTest: 5000,
  labelNoise: 0.2,
  family: 'mlp',
  depth: 1,
  widths: [1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 80, 96, 128, 192, 256, 512],
  epochs: 200,
  batchSize: 128,
  optimizer: 'adam',
  lr: 0.001,
  momentum: 0,
  weightDecay: 0,
  schedule: { name: 'constant' },
  loss: 'cross-entropy',
  init: 'he',
  evalEvery: 5,
  reuse: false,
  probes: [],
  seed: 1,
};

export function resolveTrainingConfig(c: Record<string, unknown>): TrainingConfig {
  if (c.reuse === true && !(c.family === 'mlp' && c.depth === 1)) {
    throw new Error(
      `reuse (Belkin's weight reuse) needs family 'mlp' with depth 1, got ${c.family} of depth ${c.depth}`,
    );
  }
  const optimizer = oneOf('optimizer', c.optimizer, OPTIMIZERS);
  const lr = numberIn('lr', c.lr, 0, Infinity, true);
  return {
    dataset: nonEmptyString('dataset', c.dataset),
    n: positiveInteger('n', c.n),
    nTest: positiveInteger('nTest', c.nTest),
    labelNoise: numberIn('labelNoise', c.labelNoise, 0, 1),
    family: oneOf('family', c.family, ['mlp', 'cnn'] as const),
    depth: positiveInteger('depth', c.depth),
    widths: resolveWidths(c.widths),
    epochs: positiveInteger('epochs', c.epochs),
    batchSize: positiveInteger('batchSize', c.batchSize),
    optimizer,
    lr,
    momentum: numberIn('momentum', c.momentum, 0, 1),
    weightDecay: numberIn('weightDecay', c.weightDecay, 0, Infinity),
    schedule: resolveSchedule(c.schedule),
    loss: oneOf('loss', c.loss, ['cross-entropy', 'squared'] as const),
    init: oneOf('init', c.init, INIT_SCHEMES),
    evalEvery: positiveInteger('evalEvery', c.evalEvery),
    reuse: boolean('reuse', c.reuse),
    probes: probeList(c.probes),
    seed: integer('seed', c.seed),
  };
}

function probeList(v: unknown): TrainingProbe[] {
  if (!Array.isArray(v))
    throw new Error(`probes must be a list of ${TRAINING_PROBES.join(', ')}, got ${JSON.stringify(v)}`);
  return [...new Set(v.map((p, i) => oneOf(`probes[${i}]`, p, TRAINING_PROBES)))];
}

function boolean(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${field} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** A list of widths, or 'start:stop:count' (log-spaced integers). */
export function resolveWidths(v: unknown): number[] {
  if (typeof v === 'string') {
    const m = /^\s*(\d+):(\d+):(\d+)\s*$/.exec(v);
    if (!m) throw new Error(`widths must be a list of positive integers or 'start:stop:count', got '${v}'`);
    const [start, stop, count] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (start < 1 || stop < start || count < 1)
      throw new Error(`widths '${v}': need 1 ≤ start ≤ stop and count ≥ 1`);
    return logSpacedFeatures(start, stop, count);
  }
  if (!Array.isArray(v) || v.length === 0)
    throw new Error(`widths must be a non-empty list, got ${JSON.stringify(v)}`);
  v.forEach((w, i) => positiveInteger(`widths[${i}]`, w));
  return [...new Set(v as number[])].sort((a, b) => a - b);
}

/** The network of width k of this configuration's family. */
export function networkShapeOf(config: Pick<TrainingConfig, 'family' | 'depth'>, k: number): NetworkShape {
  return networkShape(config.family, config.depth, k);
}

export function optimizerConfig(config: TrainingConfig): OptimizerConfig {
  return {
    ...DEFAULT_OPTIMIZER,
    name: config.optimizer,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
  };
}

export function trainSettings(config: TrainingConfig): TrainSettings {
  return {
    loss: config.loss,
    optimizer: optimizerConfig(config),
    schedule: config.schedule,
    epochs: config.epochs,
    batchSize: config.batchSize,
    init: config.init,
    dataSeed: config.seed,
    evalEvery: config.evalEvery,
    dtype: 'float32',
    stepsPerRun: 8,
  };
}

/** The seeded subset with label noise, as f32 arrays for training. */
export function trainingData(
  data: Dataset,
  config: Pick<TrainingConfig, 'nTest' | 'labelNoise' | 'seed'>,
  n: number,
): TrainingData {
  let ds = subset(data, n, config.nTest, config.seed);
  if (config.labelNoise > 0) ds = labelNoise(ds, config.labelNoise, config.seed);
  return {
    xTrain: Float32Array.from(ds.train.x),
    labelsTrain: ds.train.labels,
    xTest: Float32Array.from(ds.test.x),
    labelsTest: ds.test.labels,
    input: { dim: ds.dim, classes: ds.classes, image: ds.shape },
  };
}

/** Data (f64 subset and f32 copies) plus the ensemble's parameters and activations, roughly. */
export function trainingBytes(config: TrainingConfig): number {
  const units = config.widths.reduce((a, b) => a + b, 0) * config.depth;
  return 12 * 3072 * (config.n + config.nTest) + 4 * 8 * units * (3072 + 2048) + 4e8;
}
