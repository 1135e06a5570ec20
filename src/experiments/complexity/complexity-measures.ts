// "Simpler in what sense?" One double-descent sweep per model family, every candidate complexity
// measure at every model size, and Spearman's rank correlation of each with the test error along
// the sweep, per seed, summarised by the median and IQR over seeds (in the spirit of Jiang et al.
// 2019, "Fantastic generalization measures", arXiv 1912.02178 — who correlate, with Kendall's τ,
// across networks that differ in hyperparameters at a fixed train error; here the networks differ
// only in size, along one sweep through the interpolation threshold).
//   rff         random Fourier features on MNIST, min-norm least squares (src/.../rff-curve.ts)
//   polynomial  Legendre features on a noisy 1-D target (src/.../polynomial-curve.ts)
//   mlp         MLP widths on MNIST-1D, SGD, each width's seeds one stacked ensemble (width-sweep.ts)
// Measures: parameter count; coefficient norm ‖a‖ or parameter norm ‖θ‖₂; effective parameters
// p_train and p_test (Curth et al. 2023; linear smoothers); for the networks sharpness, R_IG, the
// ℓ2 path norm (Neyshabur et al. 2015) and the product of spectral norms (Bartlett et al. 2017).
// Isomorphic: the datasets come in through the context.
import { z } from 'zod';
import { repetitionSeed, MAX_REPETITIONS } from '../common/repetitions.js';
import { expandGrid, gridInput, logSpacedFeatures } from '../common/grid.js';
import {
  integer,
  listOf,
  nonEmptyString,
  numberIn,
  oneOf,
  positiveInteger,
  integerAtLeast,
} from '../common/fields.js';
import { trainingData, type TrainingConfig } from '../common/training-config.js';
import { runRff } from '../random-features/rff-curve.js';
import { runPolynomial } from '../classical/polynomial-curve.js';
import { ENGINE, trainWidths, widthLanes } from '../networks/width-sweep.js';
import { definePreset, type Row, type RunContext } from '../preset.js';
import { networkMeasures } from './network-measures.js';
import { correlationLines, measureCorrelations, SWEEPS, type SweepName } from './measure-correlations.js';

/** 'auto' RFF sizes: 16 log-spaced from n/10 to 20n, plus N = n. */
export function autoRffFeatures(n: number): number[] {
  return logSpacedFeatures(Math.max(1, Math.round(n / 10)), 20 * n, 16, n);
}

export const complexityMeasuresSchema = z
  .strictObject({
    sweeps: listOf(oneOf(SWEEPS), SWEEPS.join(', '))
      .default([...SWEEPS])
      .transform((v) => SWEEPS.filter((s) => v.includes(s)))
      .describe('the double-descent sweeps to run: rff (MNIST), polynomial (1-D regression), mlp (MNIST-1D)'),
    seeds: positiveInteger()
      .max(MAX_REPETITIONS, { error: `must be at most 2²⁰ = ${MAX_REPETITIONS}` })
      .default(3)
      .describe(
        'seeds per sweep; rff and polynomial redraw data and features from seed·2²⁰ + r, mlp redraws the initialisation (its data come from seed)',
      ),
    seed: integer()
      .refine((s) => Math.abs(s) < 2 ** 32, { error: 'must be an integer with |seed| < 2³²' })
      .default(1)
      .describe('base seed'),
    rffDataset: nonEmptyString()
      .default('mnist')
      .describe("rff: the images ('mnist', 'fashion-mnist', or a folder of IDX files)"),
    rffN: positiveInteger().default(300).describe('rff: training images; the threshold is N = n'),
    rffNTest: positiveInteger().default(1000).describe('rff: test images'),
    rffSigma: numberIn(0, Infinity, { low: true }).default(5).describe('rff: bandwidth σ'),
    rffFeatures: gridInput('model sizes', { auto: true })
      .default('auto')
      .describe("rff: model sizes N, a list or 'start:stop:count'; 'auto' = n/10:20n:16 plus N = n"),
    polyN: positiveInteger()
      .default(20)
      .describe('polynomial: training points; the threshold is degree n − 1'),
    polyNTest: positiveInteger().default(500).describe('polynomial: test points'),
    polyMaxDegree: integerAtLeast(1, 'a polynomial degree ≥ 1')
      .default(60)
      .describe('polynomial: degrees 0 … maxDegree'),
    polyNoise: numberIn(0, Infinity).default(0.2).describe('polynomial: σ of the noise on y = sin 2πx + ε'),
    mlpDataset: nonEmptyString()
      .default('mnist1d')
      .describe("mlp: the data ('mnist1d' generated: 4000 train, 1000 test; or any training dataset)"),
    mlpN: positiveInteger().default(1000).describe('mlp: training points'),
    mlpNTest: positiveInteger().default(1000).describe('mlp: test points'),
    mlpLabelNoise: numberIn(0, 1)
      .default(0.135)
      .describe('mlp: fraction of training labels replaced by a wrong class (mnist1d-width: 0.135)'),
    mlpDepth: positiveInteger().default(2).describe('mlp: hidden layers of width k (mnist1d-width: 2)'),
    mlpWidths: gridInput('widths')
      .default([2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128])
      .transform((v) => expandGrid(v))
      .describe("mlp: hidden widths k, a list or 'start:stop:count'"),
    mlpEpochs: positiveInteger().default(300).describe('mlp: SGD epochs'),
    mlpBatchSize: positiveInteger().default(100).describe('mlp: minibatch size'),
    mlpLr: numberIn(0, Infinity, { low: true }).default(0.01).describe('mlp: SGD learning rate'),
    mlpMomentum: numberIn(0, 1, { high: true }).default(0.9).describe('mlp: SGD momentum'),
    lanczosSteps: positiveInteger()
      .default(20)
      .describe('mlp: Lanczos steps (Hessian-vector products) for the sharpness'),
  })
  .transform((c) => ({
    ...c,
    rffFeatures: expandGrid(c.rffFeatures, { include: c.rffN, auto: () => autoRffFeatures(c.rffN) }),
  }));

export type ComplexityMeasuresConfig = z.output<typeof complexityMeasuresSchema>;

const sweepIndex = (s: SweepName) => SWEEPS.indexOf(s);

/** The seeds of the repetitions: seed·2²⁰ + r. */
function seedsOf(config: ComplexityMeasuresConfig): number[] {
  return Array.from({ length: config.seeds }, (_, r) => repetitionSeed(config.seed, r));
}

async function rffRows(
  config: ComplexityMeasuresConfig,
  context: Pick<RunContext, 'loadDataset' | 'featureLanes'>,
) {
  const data = context.loadDataset(config.rffDataset);
  const rows: Row[] = [];
  for (const [repetition, seed] of seedsOf(config).entries()) {
    const { points } = await runRff(
      {
        n: config.rffN,
        nTest: config.rffNTest,
        kind: 'rff',
        sigma: config.rffSigma,
        features: config.rffFeatures,
        ridge: 0,
        labelNoise: 0,
        seed,
        effectiveParameters: true,
      },
      data,
      { lanes: context.featureLanes },
    );
    for (const p of points)
      rows.push({
        sweep: sweepIndex('rff'),
        size: p.features,
        repetition,
        parameters: p.parameters,
        trainLoss: p.trainLoss,
        testLoss: p.testLoss,
        trainError: p.trainError,
        testError: p.testError,
        coefNorm: p.coefNorm,
        effectiveTrain: p.effectiveTrain as number,
        effectiveTest: p.effectiveTest as number,
      });
  }
  return rows;
}

async function polynomialRows(config: ComplexityMeasuresConfig) {
  const rows: Row[] = [];
  for (const [repetition, seed] of seedsOf(config).entries()) {
    const { points } = await runPolynomial({
      target: 'sin',
      coefficients: [],
      fourierTerms: 1,
      noise: config.polyNoise,
      interval: [0, 1],
      design: 'stratified',
      n: config.polyN,
      nTest: config.polyNTest,
      maxDegree: config.polyMaxDegree,
      decay: 1,
      ridge: 0,
      draws: 0,
      seed,
      effectiveParameters: true,
    });
    for (const p of points)
      rows.push({
        sweep: sweepIndex('polynomial'),
        size: p.degree,
        repetition,
        parameters: p.features,
        trainLoss: p.trainLoss,
        testLoss: p.testLoss,
        coefNorm: p.coefNorm,
        effectiveTrain: p.effectiveTrain,
        effectiveTest: p.effectiveTest,
      });
  }
  return rows;
}

/** The training procedure of mnist1d-width (udlbook notebook 8.3), at this preset's sizes. */
function mlpTraining(config: ComplexityMeasuresConfig): TrainingConfig {
  return {
    dataset: config.mlpDataset,
    n: config.mlpN,
    nTest: config.mlpNTest,
    labelNoise: config.mlpLabelNoise,
    family: 'mlp',
    depth: config.mlpDepth,
    widths: config.mlpWidths,
    epochs: config.mlpEpochs,
    batchSize: config.mlpBatchSize,
    optimizer: 'sgd',
    lr: config.mlpLr,
    momentum: config.mlpMomentum,
    weightDecay: 0,
    sam: 0,
    augment: 'off',
    schedule: { name: 'constant' },
    loss: 'cross-entropy',
    init: 'kaiming-uniform',
    // Evaluated once, at the end: the measures are of the final networks.
    evalEvery: config.mlpEpochs,
    reuse: false,
    probes: [],
    seed: config.seed,
  };
}

async function mlpRows(
  config: ComplexityMeasuresConfig,
  context: Pick<RunContext, 'loadDataset' | 'onProgress'>,
) {
  const training = mlpTraining(config);
  const data = trainingData(context.loadDataset(config.mlpDataset), training, config.mlpN);
  const seeds = seedsOf(config);
  const runs = await trainWidths(training, data, {
    seeds,
    onEpoch: context.onProgress,
    engineFor: () => ENGINE,
    finalProbe: (trainer) =>
      networkMeasures(trainer, { lanczosSteps: config.lanczosSteps, seed: config.seed }),
  });
  return runs.map((run): Row => {
    const last = run.records[run.records.length - 1];
    return {
      sweep: sweepIndex('mlp'),
      size: run.width,
      repetition: seeds.indexOf(run.seed),
      parameters: run.parameters,
      trainLoss: last.trainLoss,
      testLoss: last.testLoss,
      trainError: last.trainError,
      testError: last.testError,
      ...run.final,
    };
  });
}

/** Every sweep of `config`, in turn: rows per (sweep, size, repetition). */
async function runSweeps(
  config: ComplexityMeasuresConfig,
  context: Pick<RunContext, 'loadDataset' | 'onProgress'>,
): Promise<Row[]> {
  const rows: Row[] = [];
  if (config.sweeps.includes('rff')) rows.push(...(await rffRows(config, context)));
  if (config.sweeps.includes('polynomial')) rows.push(...(await polynomialRows(config)));
  if (config.sweeps.includes('mlp')) rows.push(...(await mlpRows(config, context)));
  return rows;
}

/**
 * The run split across cores: the closed-form sweeps as one part, the MLP widths in lanes of about
 * equal cost (as mnist1d-width splits them).
 */
export function complexityParts(config: ComplexityMeasuresConfig, lanes: number): ComplexityMeasuresConfig[] {
  const closed = config.sweeps.filter((s) => s !== 'mlp');
  const parts: ComplexityMeasuresConfig[] = closed.length ? [{ ...config, sweeps: closed }] : [];
  if (config.sweeps.includes('mlp'))
    parts.push(
      ...widthLanes(config.mlpWidths, lanes).map((mlpWidths) => ({
        ...config,
        sweeps: ['mlp'] as SweepName[],
        mlpWidths,
      })),
    );
  return parts;
}

const bySweepSizeRepetition = (a: Row, b: Row) =>
  a.sweep - b.sweep || a.size - b.size || a.repetition - b.repetition;

function summarize(rows: Row[]) {
  const correlations = measureCorrelations(rows);
  return { summary: { sweeps: SWEEPS, correlations }, summaryLines: correlationLines(correlations) };
}

export const complexityMeasuresPreset = definePreset<ComplexityMeasuresConfig>({
  name: 'complexity-measures',
  description:
    'which complexity measure tracks test error? Spearman ρ of norms, effective parameters, sharpness, R_IG and path norm along three double-descent sweeps',
  schema: complexityMeasuresSchema,
  // Rows name their repetition r (seed·2²⁰ + r), not the seed: the repetitions of trials with other
  // base seeds (`ddlab run --seeds k`) then line up as the same row, as aggregation expects.
  indexKeys: ['sweep', 'size', 'repetition'],
  async run(config, context) {
    const lanes = context.partLanes ?? 1;
    const parts = complexityParts(config, lanes);
    const rows =
      context.runParts && lanes > 1 && parts.length > 1
        ? ((await context.runParts('complexity-measures', parts, context.onProgress)) as Row[][]).flat()
        : await runSweeps(config, context);
    const points = rows.sort(bySweepSizeRepetition);
    return { points, ...summarize(points) };
  },
  runPart: runSweeps,
  estimateBytes(config) {
    const nMax = config.rffFeatures[config.rffFeatures.length - 1];
    const { rffN: n, rffNTest: nTest } = config;
    const rff = 8 * ((n + nTest) * nMax + 784 * nMax + 5 * n ** 2 + 3 * nTest * n);
    const units = config.mlpWidths.reduce((a, b) => a + b, 0) * config.mlpDepth;
    return rff + 32 * units * 5120 + 12 * 3072 * (config.mlpN + config.mlpNTest) + 5e8;
  },
  summarizeRows(_config, rows) {
    return summarize(rows);
  },
});
