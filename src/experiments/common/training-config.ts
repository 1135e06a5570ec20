// The configuration shared by the neural-network presets (mlp-width, epochwise, width-epoch-heatmap,
// samplewise, emc, and in part the igr presets): data, network family, widths and the training
// procedure, as zod fields with their defaults and descriptions, plus the helpers that turn a
// resolved configuration into trainer settings and training data.
import { z } from 'zod';
import { AUGMENT_SETTINGS, type AugmentSetting } from '../../data/augment.js';
import type { Dataset } from '../../data/dataset.js';
import { labelNoise, subset } from '../../data/transforms.js';
import { networkShape, FAMILIES, type NetworkShape } from '../../models/network.js';
import type { InitScheme } from '../../fit/train/initialize.js';
import type { LossKind } from '../../fit/train/network-graph.js';
import { DEFAULT_OPTIMIZER, type OptimizerConfig, type OptimizerName } from '../../fit/train/optimizer.js';
import type { ScheduleConfig } from '../../fit/train/schedule.js';
import type { TrainingData, TrainSettings } from '../../fit/train/trainer.js';
import { TRAINING_PROBES } from '../../probes/gradient-regularization.js';
import { flag, integer, nonEmptyString, numberIn, oneOf, positiveInteger } from './fields.js';
import { expandGrid, gridInput } from './grid.js';
import { wholeIssue } from '../preset.js';

const OPTIMIZER_NAMES = ['sgd', 'adam'] as const satisfies readonly OptimizerName[];
const LOSSES = ['cross-entropy', 'squared'] as const satisfies readonly LossKind[];
const INITS = ['he', 'glorot', 'kaiming-uniform', 'pytorch'] as const satisfies readonly InitScheme[];

const SCHEDULE_FORMS = "must be one of constant, inverse-sqrt, step (a name, or an object with 'name')";

const scheduleObject = z.discriminatedUnion(
  'name',
  [
    z.strictObject({ name: z.literal('constant') }),
    z.strictObject({
      name: z.literal('inverse-sqrt'),
      every: positiveInteger().default(512).describe('steps per decay stage (512 in Nakkiran et al.)'),
    }),
    z.strictObject({
      name: z.literal('step'),
      every: positiveInteger().default(10).describe('epochs per stage'),
      factor: numberIn(0, 1, { low: true })
        .default(0.1)
        .describe('the rate is multiplied by this each stage'),
    }),
  ],
  { error: SCHEDULE_FORMS },
);

/**
 * A learning-rate schedule: a name ('constant', 'inverse-sqrt', 'step') or an object with its
 * parameters; unknown keys are errors. Resolves to the object with every parameter filled in.
 */
export const scheduleSchema = z.union(
  [
    oneOf(['constant', 'inverse-sqrt', 'step'])
      .transform((name) => ({ name }))
      .pipe(scheduleObject),
    scheduleObject,
  ],
  { error: SCHEDULE_FORMS },
) satisfies z.ZodType<ScheduleConfig>;

/** The defaults of the training fields (mlp-width's); each preset may override some. */
export const TRAINING_DEFAULTS = {
  dataset: 'mnist',
  n: 4000,
  nTest: 5000,
  labelNoise: 0.2,
  family: 'mlp' as const,
  depth: 1,
  widths: [1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 80, 96, 128, 192, 256, 512],
  epochs: 200,
  batchSize: 128,
  optimizer: 'adam' as OptimizerName,
  lr: 0.001,
  momentum: 0,
  weightDecay: 0,
  sam: 0,
  schedule: { name: 'constant' } as ScheduleConfig,
  loss: 'cross-entropy' as LossKind,
  init: 'he' as InitScheme,
  evalEvery: 5,
  reuse: false,
  probes: [] as ('rig' | 'sharpness')[],
  augment: 'off' as AugmentSetting,
  seed: 1,
};

type TrainingDefaults = typeof TRAINING_DEFAULTS;

/** The training fields with defaults (TRAINING_DEFAULTS, overridden by `overrides`). */
export function trainingFields(overrides: Partial<TrainingDefaults> = {}) {
  const d = { ...TRAINING_DEFAULTS, ...overrides };
  return {
    dataset: nonEmptyString()
      .default(d.dataset)
      .describe(
        "'mnist' (shipped), 'fashion-mnist', 'mnist1d' (generated; 'mnist1d:samples=8000,split=0.5' sets its generator), or a folder of MNIST-format IDX files or CIFAR-10 binary batches",
      ),
    n: positiveInteger().default(d.n).describe('training points, drawn at random (seeded)'),
    nTest: positiveInteger().default(d.nTest).describe('test points, drawn at random from the test split'),
    labelNoise: numberIn(0, 1)
      .default(d.labelNoise)
      .describe('fraction of training labels replaced, once, by a uniformly random wrong class'),
    family: oneOf(FAMILIES)
      .default(d.family)
      .describe(
        "mlp: `depth` ReLU layers of k units; cnn: Nakkiran's 5-layer CNN, 3×3 conv layers k, 2k, 4k, 8k, max-pool after layers 2 and 3, global max-pool, a linear head; cnn1d: the MNIST-1D reference CNN (Greydanus 2020), three 1-D conv layers of k channels (kernels 5, 3, 3, stride 2, padding 1), a linear head on the flattened maps; resnet18: the pre-activation ResNet18 of Nakkiran et al. with stage widths k, 2k, 4k, 8k and batch norm (trained one network at a time by the ResNet trainer, cross-entropy only, no probes or SAM)",
      ),
    depth: positiveInteger()
      .default(d.depth)
      .describe('MLP: hidden layers of width k (the CNN always has four conv layers, cnn1d three)'),
    widths: gridInput('widths')
      .default(d.widths)
      .transform((v) => expandGrid(v))
      .describe("hidden widths k: a list, or count log-spaced widths 'start:stop:count'"),
    epochs: positiveInteger().default(d.epochs).describe('training epochs'),
    batchSize: positiveInteger()
      .default(d.batchSize)
      .describe('minibatch size (the last partial batch is kept)'),
    optimizer: oneOf(OPTIMIZER_NAMES)
      .default(d.optimizer)
      .describe('sgd (with momentum) or adam (β = 0.9, 0.999, ε = 10⁻⁸), in PyTorch conventions'),
    lr: numberIn(0, Infinity, { low: true }).default(d.lr).describe('learning rate'),
    momentum: numberIn(0, 1, { high: true }).default(d.momentum).describe('SGD momentum'),
    weightDecay: numberIn(0, Infinity).default(d.weightDecay).describe('adds wd·θ to the gradient'),
    sam: numberIn(0, Infinity)
      .default(d.sam)
      .describe(
        'sharpness-aware minimization (Foret et al. 2020): radius ρ; the optimizer steps with the gradient at θ + ρ·g/‖g‖ (‖g‖ per network), at about twice the cost of a step (0: off)',
      ),
    schedule: scheduleSchema
      .default(d.schedule)
      .describe(
        "'constant'; 'inverse-sqrt' = γ₀/√(1 + ⌊t/every⌋) over steps t ({name: inverse-sqrt, every: 512}); {name: step, every: 10, factor: 0.1} over epochs",
      ),
    loss: oneOf(LOSSES)
      .default(d.loss)
      .describe('softmax cross-entropy, or squared loss on one-hot targets (summed over classes)'),
    init: oneOf(INITS)
      .default(d.init)
      .describe(
        "he: W ~ N(0, 2/fan_in); glorot: U(±√(6/(fan_in + fan_out))); kaiming-uniform: U(±√(6/fan_in)) (PyTorch's kaiming_uniform_); pytorch: U(±1/√fan_in) (nn.Linear's default); biases 0",
      ),
    evalEvery: positiveInteger()
      .default(d.evalEvery)
      .describe('evaluate train and test every k epochs (and at the end)'),
    reuse: flag()
      .default(d.reuse)
      .describe(
        "Belkin's weight reuse (one hidden layer): below the threshold each width starts from the trained next-narrower net",
      ),
    probes: z
      .array(oneOf(TRAINING_PROBES), { error: `must be a list of ${TRAINING_PROBES.join(', ')}` })
      .default(d.probes)
      .transform((v) => [...new Set(v)])
      .describe('rig (R_IG and its minibatch estimate) and/or sharpness, measured at every evaluation'),
    augment: oneOf(AUGMENT_SETTINGS)
      .default(d.augment)
      .describe(
        "data augmentation of every training minibatch: random crop with zero padding 4 and horizontal flip with probability 1/2 (Nakkiran et al.'s CIFAR recipe); 'on', 'off', or 'auto' = on for colour images (3 channels, e.g. CIFAR-10) and off for one-channel MNIST-like data; evaluation never augments",
      ),
    seed: integer()
      .default(d.seed)
      .describe('draws the subset, the label noise, the initialisation and the minibatch order'),
  };
}

/** Cross-field checks of the training fields (reported as whole sentences). */
export function checkTraining(
  c: { reuse?: boolean; family: string; depth: number },
  ctx: z.core.$RefinementCtx,
): void {
  if (c.reuse === true && !(c.family === 'mlp' && c.depth === 1)) {
    ctx.addIssue(
      wholeIssue(
        `reuse (Belkin's weight reuse) needs family 'mlp' with depth 1, got ${c.family} of depth ${c.depth}`,
        ['reuse'],
      ),
    );
  }
}

/**
 * The data seed: an integer draws the data and the batch order and leaves `seed` only the
 * initialisation, so a sweep's seeds share their data and can train as one ensemble (merged trials,
 * src/sweep/merge-trials.ts). 'seed' (the default) lets `seed` draw everything, as before.
 */
export const dataSeedField = z
  .union([z.literal('seed'), integer()], { error: "must be 'seed' or an integer" })
  .default('seed')
  .describe(
    "'seed': the seed draws everything; an integer: draws the subset, the label noise, the minibatch order and the probes, and seed only the initialisation (so a sweep's seeds share their data and train as one ensemble)",
  );

/** The schema of the plain training preset (mlp-width and the epoch-wise presets). */
export function trainingSchema(overrides: Partial<TrainingDefaults> = {}) {
  return z.strictObject({ ...trainingFields(overrides), dataSeed: dataSeedField }).superRefine(checkTraining);
}

/** A resolved training config; `dataSeed` is absent in the presets that do not have it (= 'seed'). */
export type TrainingConfig = Omit<z.output<ReturnType<typeof trainingSchema>>, 'dataSeed'> & {
  dataSeed?: number | 'seed';
};

/** The seed of the data, the batch order and the probes: `dataSeed` where it is a number, else `seed`. */
export function dataSeedOf(config: { seed: number; dataSeed?: number | 'seed' }): number {
  return typeof config.dataSeed === 'number' ? config.dataSeed : config.seed;
}

/** The network of width k of this configuration's family. */
export function networkShapeOf(config: Pick<TrainingConfig, 'family' | 'depth'>, k: number): NetworkShape {
  return networkShape(config.family, config.depth, k);
}

/** The fields that set the training procedure (everything but the data and the widths); SAM optional. */
export type TrainingProcedure = Partial<Pick<TrainingConfig, 'sam' | 'augment'>> &
  Pick<
    TrainingConfig,
    | 'optimizer'
    | 'lr'
    | 'momentum'
    | 'weightDecay'
    | 'schedule'
    | 'loss'
    | 'init'
    | 'epochs'
    | 'batchSize'
    | 'evalEvery'
    | 'seed'
  > &
  Partial<Pick<TrainingConfig, 'dataSeed'>>;

export function optimizerConfig(config: TrainingProcedure): OptimizerConfig {
  return {
    ...DEFAULT_OPTIMIZER,
    name: config.optimizer,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
  };
}

export function trainSettings(config: TrainingProcedure): TrainSettings {
  return {
    loss: config.loss,
    optimizer: optimizerConfig(config),
    schedule: config.schedule,
    epochs: config.epochs,
    batchSize: config.batchSize,
    init: config.init,
    dataSeed: dataSeedOf(config),
    evalEvery: config.evalEvery,
    sam: config.sam ?? 0,
    augment: config.augment ?? 'off',
    dtype: 'float32',
    stepsPerRun: 8,
  };
}

/** The seeded subset with label noise, as f32 arrays for training. */
export function trainingData(
  data: Dataset,
  config: Pick<TrainingConfig, 'nTest' | 'labelNoise' | 'seed'> & Partial<Pick<TrainingConfig, 'dataSeed'>>,
  n: number,
): TrainingData {
  const seed = dataSeedOf(config);
  let ds = subset(data, n, config.nTest, seed);
  if (config.labelNoise > 0) ds = labelNoise(ds, config.labelNoise, seed);
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
