// The edge of stability (Cohen, Kaur, Li, Kolter & Talwalkar 2021, arXiv 2103.00065): under full-batch
// gradient descent with step η, the sharpness — the largest eigenvalue of the training loss's
// Hessian — rises during training ("progressive sharpening") until it reaches 2/η, the largest
// curvature at which GD on a quadratic is stable, and then hovers there while the loss keeps falling,
// non-monotonically. One MLP per η, trained side by side as one ensemble from the same initial
// parameters on the same data; the sharpness (and the second eigenvalue) by Lanczos on
// Hessian-vector products every `every` steps. Cohen et al. use tanh networks and half squared loss;
// ddlab's MLP is ReLU and its squared loss sums over classes (no ½) — GD sees the same 2/η either way,
// because it is the Hessian of the loss being descended that is measured.
import { EnsembleTrainer, type Member } from '../../fit/train/trainer.js';
import { topHessianEigenvalues } from '../../probes/hessian-spectrum.js';
import { z } from 'zod';
import { alignedLines } from '../common/aligned-lines.js';
import { listOf, numberIn, omitFields, oneOf, positiveInteger, sortedUnique } from '../common/fields.js';
import { ACTIVATIONS } from '../../models/network.js';
import { quantile } from '../common/statistics.js';
import { definePreset, wholeIssue, type Row } from '../preset.js';
import { networkShapeOf, trainingData, trainingFields, trainSettings } from '../common/training-config.js';

export const edgeOfStabilitySchema = z
  .strictObject({
    ...omitFields(
      trainingFields({
        dataset: 'mnist1d',
        n: 1000,
        nTest: 500,
        labelNoise: 0,
        depth: 2,
        loss: 'squared',
        // PyTorch's default: a small initial sharpness, from which GD sharpens up to 2/η.
        init: 'pytorch',
      }),
      [
        'family',
        'widths',
        'lr',
        'epochs',
        'batchSize',
        'optimizer',
        'momentum',
        'schedule',
        'reuse',
        'probes',
        'evalEvery',
        'sam',
      ],
    ),
    width: positiveInteger().default(64).describe('hidden width of every layer of the MLP'),
    activation: oneOf(ACTIVATIONS)
      .default('tanh')
      .describe(
        'hidden nonlinearity: tanh (smooth, as in Cohen et al.) or relu (its kinks make finite-difference Hessians noisy)',
      ),
    lrs: listOf(numberIn(0, Infinity, { low: true }), 'step sizes > 0')
      .default([0.1, 0.15, 0.2, 0.3])
      .transform(sortedUnique)
      .describe('GD step sizes η, a list; each trains its own copy of the network (threshold 2/η)'),
    steps: positiveInteger().default(1500).describe('full-batch gradient-descent steps'),
    every: positiveInteger().default(50).describe('measure the sharpness every this many steps (and at 0)'),
    lanczosSteps: positiveInteger()
      .default(20)
      .describe('Lanczos steps (Hessian-vector products) per measurement'),
    lastFraction: numberIn(0, 1, { low: true })
      .default(0.5)
      .describe('the summary takes the median sharpness over this last fraction of the steps'),
  })
  .superRefine((c, ctx) => {
    if (c.every > c.steps)
      ctx.addIssue(
        wholeIssue(`every = ${c.every} exceeds steps = ${c.steps}: no measurement after step 0`, ['every']),
      );
  });

export type EdgeOfStabilityConfig = z.output<typeof edgeOfStabilitySchema>;

export interface StabilitySummary {
  lr: number;
  /** 2/η. */
  threshold: number;
  /** Median sharpness over the last `lastFraction` of the steps. */
  lateSharpness: number;
  /** lateSharpness / (2/η): 1 at the edge of stability. */
  ratio: number;
  /** Sharpness at step 0. */
  initialSharpness: number;
  /** First measured step with sharpness ≥ 0.9·2/η, or null. */
  reachedAt: number | null;
  finalTrainLoss: number;
}

/** Trains every η, measuring as it goes; rows per (η, measured step). */
export async function runEdgeOfStability(
  config: EdgeOfStabilityConfig,
  data: ReturnType<typeof trainingData>,
  onProgress?: (done: number, total: number) => void,
): Promise<{ points: Row[]; summary: StabilitySummary[] }> {
  const n = data.labelsTrain.length;
  const training = {
    ...config,
    lr: 1,
    epochs: config.steps,
    batchSize: n, // full batch: one epoch is one GD step
    optimizer: 'sgd' as const,
    momentum: 0,
    weightDecay: 0,
    schedule: { name: 'constant' as const },
    evalEvery: config.every,
  };
  const shape = {
    ...networkShapeOf({ family: 'mlp', depth: config.depth }, config.width),
    activation: config.activation,
  };
  const members: Member[] = config.lrs.map((lr) => ({ shape, seed: config.seed, lr }));
  // f64: the finite-difference HVPs then perturb θ by ~1e-5 relative instead of ~4e-3 (f32), far
  // less than the distance to the ReLU kinks, so the Lanczos eigenvalues are the Hessian's.
  const trainer = await EnsembleTrainer.create(members, data, {
    ...trainSettings(training),
    dtype: 'float64',
  });
  const measure = async () => {
    const spectra = await topHessianEigenvalues(trainer, {
      steps: config.lanczosSteps,
      top: 2,
      seed: config.seed,
    });
    return { sharpness: spectra.map((s) => s[0]), lambda2: spectra.map((s) => s[1] ?? NaN) };
  };
  const points: Row[] = [];
  const record = (step: number, values: { sharpness: number[]; lambda2: number[] }, losses: number[][]) =>
    members.forEach((m, i) =>
      points.push({
        lr: m.lr,
        step,
        sharpness: values.sharpness[i],
        lambda2: values.lambda2[i],
        threshold: 2 / m.lr,
        trainLoss: losses[i][0],
        trainError: losses[i][1],
        testError: losses[i][2],
      }),
    );
  const start = await trainer.evaluate(0);
  record(
    0,
    await measure(),
    start.map((r) => [r.trainLoss, r.trainError, r.testError]),
  );
  await trainer.train({
    probe: async () => {
      const v = await measure();
      return { sharpness: v.sharpness, lambda2: v.lambda2 };
    },
    onRecord: (epoch, records) => {
      record(
        epoch,
        {
          sharpness: records.map((r) => r.probes!.sharpness),
          lambda2: records.map((r) => r.probes!.lambda2),
        },
        records.map((r) => [r.trainLoss, r.trainError, r.testError]),
      );
      onProgress?.(epoch, config.steps);
    },
  });
  return { points, summary: summarizeStability(points, config) };
}

export function summarizeStability(
  points: Row[],
  config: Pick<EdgeOfStabilityConfig, 'lrs' | 'steps' | 'lastFraction'>,
): StabilitySummary[] {
  const from = (1 - config.lastFraction) * config.steps;
  return config.lrs.map((lr) => {
    const rows = points.filter((p) => p.lr === lr).sort((a, b) => a.step - b.step);
    const late = rows.filter((p) => p.step >= from).map((p) => p.sharpness);
    const lateSharpness = quantile(
      late.sort((a, b) => a - b),
      0.5,
    );
    const threshold = 2 / lr;
    return {
      lr,
      threshold,
      lateSharpness,
      ratio: lateSharpness / threshold,
      initialSharpness: rows[0]?.sharpness ?? NaN,
      reachedAt: rows.find((p) => p.sharpness >= 0.9 * threshold)?.step ?? null,
      finalTrainLoss: rows[rows.length - 1]?.trainLoss ?? NaN,
    };
  });
}

export function stabilitySummaryLines(summary: StabilitySummary[], config: EdgeOfStabilityConfig): string[] {
  const g = (x: number) => x.toPrecision(4);
  const last = `last ${Math.round(100 * config.lastFraction)}% of ${config.steps} steps`;
  return alignedLines(
    summary.map((s) => [
      `η = ${s.lr}`,
      `2/η = ${g(s.threshold)}: median sharpness (${last}) ${g(s.lateSharpness)} = ${s.ratio.toFixed(3)} × 2/η; ` +
        `from ${g(s.initialSharpness)} at step 0, ≥ 0.9·2/η ${s.reachedAt === null ? 'never' : `from step ${s.reachedAt}`}; ` +
        `final train loss ${g(s.finalTrainLoss)}`,
    ]),
  );
}

export const edgeOfStabilityPreset = definePreset<EdgeOfStabilityConfig>({
  name: 'edge-of-stability',
  description:
    'full-batch GD at several step sizes η: the sharpness rises to 2/η and hovers there (Cohen et al. 2021)',
  schema: edgeOfStabilitySchema,
  indexKeys: ['lr', 'step'],
  async run(config, context) {
    const data = trainingData(context.loadDataset(config.dataset), config, config.n);
    const { points, summary } = await runEdgeOfStability(config, data, context.onProgress);
    return { points, summary: { lrs: summary }, summaryLines: stabilitySummaryLines(summary, config) };
  },
  summarizeRows(config, rows) {
    const summary = summarizeStability(rows, config);
    return { summary: { lrs: summary }, summaryLines: stabilitySummaryLines(summary, config) };
  },
});
