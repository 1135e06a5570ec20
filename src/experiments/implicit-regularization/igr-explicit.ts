// Explicit against implicit gradient regularization (Barrett & Dherin 2020, Section 6): an MLP
// trained at a small learning rate on E + μ·R_IG for a range of μ, beside the same MLP trained
// without a penalty at a large learning rate (whose implicit λ = hm/4). μ is given as a
// `strength` s with μ = s·m/4: the λ that plain gradient descent with step s carries implicitly.
import { EnsembleTrainer } from '../../fit/train/trainer.js';
import { probeGradientRegularization } from '../../probes/gradient-regularization.js';
import { parameterCount } from '../../models/network.js';
import { alignedLines } from '../common/aligned-lines.js';
import { z } from 'zod';
import { listOf, numberIn, omitFields, positiveInteger, sortedUnique } from '../common/fields.js';
import { definePreset, type Row } from '../preset.js';
import { networkShapeOf, trainingData, trainingFields, trainSettings } from '../common/training-config.js';

export const igrExplicitSchema = z.strictObject({
  ...omitFields(
    trainingFields({ n: 500, nTest: 2000, labelNoise: 0, batchSize: 32, epochs: 400, evalEvery: 5 }),
    ['widths', 'lr', 'optimizer', 'reuse', 'probes', 'sam'],
  ),
  width: positiveInteger().default(100).describe('hidden width of the one-hidden-layer MLP'),
  smallLr: numberIn(0, Infinity, { low: true })
    .default(0.02)
    .describe('learning rate of the explicitly regularized runs'),
  largeLr: numberIn(0, Infinity, { low: true })
    .default(0.32)
    .describe('learning rate of the plain run (implicit λ = hm/4)'),
  strengths: listOf(numberIn(0, Infinity), 'strengths s ≥ 0')
    .default([0, 0.02, 0.04, 0.08, 0.16, 0.32])
    .transform(sortedUnique)
    .describe('explicit strengths s, μ = s·m/4: the λ that plain GD at step s would carry'),
  targetLoss: numberIn(0, Infinity, { low: true })
    .default(0.01)
    .describe('stop a run when its training loss is at most this'),
});

export type IgrExplicitConfig = z.output<typeof igrExplicitSchema>;

/** Plain SGD at `lr` on E + μ·R_IG until the target loss or the epoch limit; then the probes. */
async function trainOne(
  config: IgrExplicitConfig,
  data: ReturnType<typeof trainingData>,
  lr: number,
  mu: number,
): Promise<Row> {
  const training = { ...config, lr, optimizer: 'sgd' as const };
  const trainer = await EnsembleTrainer.create(
    [{ shape: networkShapeOf(training, config.width), seed: config.seed, lr }],
    data,
    { ...trainSettings(training), gradientPenalty: mu },
  );
  const [records] = await trainer.train({ targetTrainLoss: config.targetLoss });
  const last = records[records.length - 1];
  const probe = await probeGradientRegularization(trainer, {
    batchSize: config.batchSize,
    seed: config.seed,
    sharpnessIterations: 10,
  });
  return {
    lr,
    mu,
    steps: trainer.stepCount,
    trainLoss: last.trainLoss,
    testAccuracy: 1 - last.testError,
    testLoss: last.testLoss,
    rig: probe.rig[0],
    sharpness: probe.sharpness[0],
    paramNorm: probe.paramNorm[0],
  };
}

function summarize(rows: Row[]): { summary: Record<string, unknown>; summaryLines: string[] } {
  const explicit = rows.filter((r) => r.kind === 0).sort((a, b) => a.strength - b.strength);
  const implicit = rows.find((r) => r.kind === 1);
  const best = explicit.reduce((b, r) => (r.testAccuracy > b.testAccuracy ? r : b), explicit[0]);
  const none = explicit.find((r) => r.mu === 0);
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const lines: [string, string][] = [
    ...explicit.map(
      (r) =>
        [
          `explicit h = ${r.lr}, μ = ${r.mu.toPrecision(3)}`,
          `test accuracy ${pct(r.testAccuracy)}, R_IG ${r.rig.toPrecision(3)}, train loss ${r.trainLoss.toPrecision(3)}`,
        ] as [string, string],
    ),
    ...(implicit
      ? [
          [
            `implicit h = ${implicit.lr} (λ = ${implicit.lambda.toPrecision(3)})`,
            `test accuracy ${pct(implicit.testAccuracy)}, R_IG ${implicit.rig.toPrecision(3)}, train loss ${implicit.trainLoss.toPrecision(3)}`,
          ] as [string, string],
        ]
      : []),
    [
      'best explicit',
      `μ = ${best.mu.toPrecision(3)}: ${pct(best.testAccuracy)}${none ? ` (μ = 0: ${pct(none.testAccuracy)})` : ''}`,
    ],
  ];
  return {
    summary: {
      bestExplicit: { mu: best.mu, testAccuracy: best.testAccuracy },
      unregularized: none ? none.testAccuracy : null,
      implicit: implicit
        ? { lr: implicit.lr, lambda: implicit.lambda, testAccuracy: implicit.testAccuracy }
        : null,
    },
    summaryLines: alignedLines(lines),
  };
}

export const igrExplicitPreset = definePreset<IgrExplicitConfig>({
  name: 'igr-explicit',
  description:
    'explicit gradient regularization E + μR_IG at a small learning rate vs implicit at a large one (Barrett & Dherin 2020)',
  schema: igrExplicitSchema,
  indexKeys: ['kind', 'strength', 'lr'],
  async run(config, context) {
    const dataset = context.loadDataset(config.dataset);
    const data = trainingData(dataset, config, config.n);
    const m = parameterCount(networkShapeOf(config, config.width), data.input);
    const rows: Row[] = [];
    const total = config.strengths.length + 1;
    for (const strength of config.strengths) {
      const row = await trainOne(config, data, config.smallLr, (strength * m) / 4);
      rows.push({ kind: 0, strength, lambda: (config.smallLr * m) / 4, ...row });
      context.onProgress?.(rows.length, total);
    }
    const implicit = await trainOne(config, data, config.largeLr, 0);
    rows.push({ kind: 1, strength: 0, lambda: (config.largeLr * m) / 4, ...implicit });
    context.onProgress?.(total, total);
    return { points: rows, ...summarize(rows) };
  },
  summarizeRows: (_c, rows) => summarize(rows),
});
