// Effective model complexity (Nakkiran et al. 2019, Definition 1): EMC_ε of a training procedure is
// the largest n for which it reaches mean train error ≤ ε. We train every width on a grid of training
// sizes (several initialisations each, side by side as one ensemble per size), estimate EMC per width
// by interpolating the crossing of ε in log n, and place each width in a regime relative to `n`:
// under-parameterized (EMC < n/band), critical, or over-parameterized (EMC > n·band).
import { alignedLines } from '../common/aligned-lines.js';
import { integer, knownKeys, numberIn, positiveInteger } from '../common/config-checks.js';
import type { Preset, Row } from '../preset.js';
import {
  TRAINING_DEFAULTS,
  trainingBytes,
  resolveTrainingConfig,
  TRAINING_KEYS,
  trainingData,
  type TrainingConfig,
} from '../common/training-config.js';
import { trainWidths } from './width-sweep.js';

export type EmcConfig = TrainingConfig & {
  /** Grid of training-set sizes searched. */
  sizes: number[];
  epsilon: number;
  /** Initialisations per width and size (their train errors are averaged). */
  inits: number;
  /** Half-width, as a factor, of the critical band around n. */
  band: number;
};

const KEYS = [...TRAINING_KEYS, 'sizes', 'epsilon', 'inits', 'band'];

export const EMC_DEFAULTS: EmcConfig = {
  ...TRAINING_DEFAULTS,
  widths: [8, 16, 32, 64, 128],
  epochs: 100,
  evalEvery: 100,
  sizes: [500, 1000, 2000, 4000, 8000],
  epsilon: 0.1,
  inits: 2,
  band: 1.5,
};

export function resolveEmc(c: Partial<EmcConfig>): EmcConfig {
  knownKeys('emc', c, KEYS);
  const merged = { ...EMC_DEFAULTS, ...c };
  if (!Array.isArray(merged.sizes) || merged.sizes.length < 2) {
    throw new Error(`sizes must list at least two training-set sizes, got ${JSON.stringify(merged.sizes)}`);
  }
  const sizes = [...new Set(merged.sizes.map((n, i) => positiveInteger(`sizes[${i}]`, n)))].sort(
    (a, b) => a - b,
  );
  const { sizes: _s, epsilon, inits, band, ...rest } = merged;
  return {
    ...resolveTrainingConfig(rest),
    sizes,
    epsilon: numberIn('epsilon', epsilon, 0, 1, true),
    inits: positiveInteger('inits', inits),
    band: numberIn('band', band, 1, Infinity),
  };
}

export type Regime = 'under-parameterized' | 'critical' | 'over-parameterized';

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

export function regimeOf(emc: number, n: number, band: number): Regime {
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
    return { width, ...est, regime: regimeOf(est.emc, config.n, config.band) };
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
      (r) => [`width ${r.width}`, `EMC ${show(r)} → ${r.regime} at n = ${config.n}`] as [string, string],
    ),
  ]);
  return { summary: { epsilon: config.epsilon, n: config.n, widths: results }, summaryLines: lines };
}

export const emcPreset: Preset<EmcConfig> = {
  name: 'emc',
  description: 'effective model complexity EMC_ε (Nakkiran et al. 2019) of each width, and its regime at n',
  defaults: EMC_DEFAULTS,
  indexKeys: ['width', 'parameters', 'samples'],
  resolve: resolveEmc,
  async run(config, context) {
    const dataset = context.loadDataset(config.dataset);
    const inits = Array.from({ length: config.inits }, (_, i) => integer('seed', config.seed) + 1000 * i);
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
};
