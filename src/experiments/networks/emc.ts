// Effective model complexity (Nakkiran et al. 2019, Definition 1): EMC_ε of a training procedure is
// the largest n for which it reaches mean train error ≤ ε. We train every width on a grid of training
// sizes (several initialisations each, side by side as one ensemble per size), estimate EMC per width
// by interpolating the crossing of ε in log n, and place each width in a regime relative to `n`:
// under-parameterized (EMC < n/band), critical, or over-parameterized (EMC > n·band).
import { alignedLines } from '../common/aligned-lines.js';
import { z } from 'zod';
import { numberIn, positiveInteger, sortedUnique } from '../common/fields.js';
import { definePreset, type Row } from '../preset.js';
import { checkTraining, trainingBytes, trainingData, trainingFields } from '../common/training-config.js';
import { trainWidths } from './width-sweep.js';

export const emcSchema = z
  .strictObject({
    ...trainingFields({ widths: [8, 16, 32, 64, 128], epochs: 100, evalEvery: 100 }),
    sizes: z
      .array(positiveInteger(), { error: 'must list at least two training-set sizes' })
      .min(2, { error: 'must list at least two training-set sizes' })
      .default([500, 1000, 2000, 4000, 8000])
      .transform(sortedUnique)
      .describe('grid of training-set sizes searched for the ε crossing'),
    epsilon: numberIn(0, 1, { low: true }).default(0.1).describe('the train-error level ε of EMC_ε'),
    inits: positiveInteger()
      .default(2)
      .describe('initialisations per width and size (their train errors are averaged)'),
    band: numberIn(1, Infinity)
      .default(1.5)
      .describe('a width is critical when its EMC is within this factor of n'),
  })
  .superRefine(checkTraining);

export type EmcConfig = z.output<typeof emcSchema>;

/** 'undetermined': the grid only bounds EMC, and the bound does not settle the regime. */
export type Regime = 'under-parameterized' | 'critical' | 'over-parameterized' | 'undetermined';

export interface WidthEmc {
  width: number;
  /** Estimated EMC; a bound when the grid does not bracket the crossing. */
  emc: number;
  bound: 'estimate' | 'below-grid' | 'above-grid';
  regime: Regime;
}

/**
 * EMC from mean train errors on a grid of sizes: the largest grid n with error ≤ ε, moved to where
 * the line through it and the next size (in log n) crosses ε.
 */
export function estimateEmc(
  sizes: number[],
  errors: number[],
  epsilon: number,
): Omit<WidthEmc, 'width' | 'regime'> {
  let last = -1;
  errors.forEach((e, i) => {
    if (e <= epsilon) last = i;
  });
  if (last < 0) return { emc: sizes[0], bound: 'below-grid' };
  if (last === sizes.length - 1) return { emc: sizes[last], bound: 'above-grid' };
  const [n0, n1] = [Math.log(sizes[last]), Math.log(sizes[last + 1])];
  const [e0, e1] = [errors[last], errors[last + 1]];
  return { emc: Math.exp(n0 + ((epsilon - e0) / (e1 - e0)) * (n1 - n0)), bound: 'estimate' };
}

/**
 * The regime of a width whose EMC is `emc` relative to n. Off the grid EMC is only bounded (below
 * its smallest size, or at least its largest), so a regime is given only when the bound settles it.
 */
export function regimeOf(
  emc: number,
  n: number,
  band: number,
  bound: WidthEmc['bound'] = 'estimate',
): Regime {
  if (bound === 'below-grid') return emc <= n / band ? 'under-parameterized' : 'undetermined';
  if (bound === 'above-grid') return emc > n * band ? 'over-parameterized' : 'undetermined';
  if (emc < n / band) return 'under-parameterized';
  if (emc > n * band) return 'over-parameterized';
  return 'critical';
}

function summarize(
  config: EmcConfig,
  rows: Row[],
): { summary: Record<string, unknown>; summaryLines: string[] } {
  const widths = [...new Set(rows.map((r) => r.width))].sort((a, b) => a - b);
  const results: WidthEmc[] = widths.map((width) => {
    const at = rows.filter((r) => r.width === width).sort((a, b) => a.samples - b.samples);
    const est = estimateEmc(
      at.map((r) => r.samples),
      at.map((r) => r.trainError),
      config.epsilon,
    );
    return { width, ...est, regime: regimeOf(est.emc, config.n, config.band, est.bound) };
  });
  const show = (r: WidthEmc) =>
    r.bound === 'below-grid'
      ? `< ${r.emc}`
      : r.bound === 'above-grid'
        ? `≥ ${r.emc}`
        : `≈ ${Math.round(r.emc)}`;
  const lines = alignedLines([
    [
      'procedure',
      `${config.optimizer} lr ${config.lr}, ${config.epochs} epochs, label noise ${config.labelNoise}`,
    ],
    ...results.map(
      (r) =>
        [
          `width ${r.width}`,
          r.regime === 'undetermined'
            ? `EMC ${show(r)} → regime at n = ${config.n} undetermined (widen sizes)`
            : `EMC ${show(r)} → ${r.regime} at n = ${config.n}`,
        ] as [string, string],
    ),
  ]);
  return { summary: { epsilon: config.epsilon, n: config.n, widths: results }, summaryLines: lines };
}

export const emcPreset = definePreset<EmcConfig>({
  name: 'emc',
  description: 'effective model complexity EMC_ε (Nakkiran et al. 2019) of each width, and its regime at n',
  schema: emcSchema,
  indexKeys: ['width', 'parameters', 'samples'],
  async run(config, context) {
    const dataset = context.loadDataset(config.dataset);
    const inits = Array.from({ length: config.inits }, (_, i) => config.seed + 1000 * i);
    const rows: Row[] = [];
    const total = config.sizes.length * config.epochs;
    for (const [i, samples] of config.sizes.entries()) {
      const training = { ...config, n: samples };
      const runs = await trainWidths(training, trainingData(dataset, training, samples), {
        seeds: inits,
        // trainWidths counts epochs of all its groups: rescale to this size's share of `total`.
        onEpoch: (done, of) =>
          context.onProgress?.(i * config.epochs + Math.floor((done * config.epochs) / of), total),
      });
      for (const width of config.widths) {
        const mine = runs.filter((r) => r.width === width).map((r) => r.records[r.records.length - 1]);
        const mean = (key: 'trainError' | 'testError') => mine.reduce((a, r) => a + r[key], 0) / mine.length;
        rows.push({
          width,
          parameters: runs.find((r) => r.width === width)?.parameters ?? NaN,
          samples,
          trainError: mean('trainError'),
          testError: mean('testError'),
        });
      }
    }
    return { points: rows, ...summarize(config, rows) };
  },
  estimateBytes: (c) =>
    trainingBytes({ ...c, n: Math.max(...c.sizes), widths: c.widths.flatMap((w) => Array(c.inits).fill(w)) }),
  summarizeRows: summarize,
});
