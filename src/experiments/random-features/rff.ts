// The random-features double-descent experiment (Belkin et al. 2018, Fig. 2 / 3): an MNIST subset,
// nested random Fourier (or ReLU) features, least squares / minimum-norm interpolation, and the
// probes of every model size N (src/experiments/random-features/rff-curve.ts). Isomorphic.
import { defaultStorage } from '../../fit/feature-curve.js';
import { RANDOM_FEATURE_KINDS } from '../../models/feature-map.js';
import type { CurvePoint } from '../../probes/curve-point.js';
import { z } from 'zod';
import { flag, integer, nonEmptyString, numberIn, oneOf, positiveInteger } from '../common/fields.js';
import { expandGrid, gridInput, logSpacedFeatures } from '../common/grid.js';
import { summarizeCurve } from './curve-summary.js';
import { runRff } from './rff-curve.js';
import { summaryLines } from './curve-summary-text.js';
import { definePreset } from '../preset.js';

/** 'auto': 30 log-spaced sizes from n/10 to 20n, plus N = n. */
export function autoFeatures(n: number): number[] {
  return logSpacedFeatures(Math.max(1, Math.round(n / 10)), 20 * n, 30, n);
}

export const rffSchema = z
  .strictObject({
    dataset: nonEmptyString()
      .default('mnist')
      .describe(
        "'mnist' (shipped), 'fashion-mnist' (Debian's dataset-fashion-mnist), 'mnist1d' (generated; 'mnist1d:samples=8000,split=0.5' sets its generator), or a folder of MNIST-format IDX files (plain or .gz) or CIFAR-10 binary batches",
      ),
    n: positiveInteger()
      .default(1000)
      .describe('training points, drawn at random (seeded); the interpolation threshold is N = n'),
    nTest: positiveInteger().default(2000).describe('test points, drawn at random from the test split'),
    kind: oneOf(RANDOM_FEATURE_KINDS)
      .default('rff')
      .describe(
        'rff: random Fourier features sqrt(2/N)·cos(⟨v,x⟩+b), v ~ N(0, σ⁻²I), b ~ U[0, 2π); relu: sqrt(1/N)·max(0, ⟨v,x⟩), v uniform on the sphere',
      ),
    sigma: numberIn(0, Infinity, { low: true })
      .default(5)
      .describe('RFF bandwidth σ (pixels are scaled to [0, 1])'),
    features: gridInput('model sizes', { auto: true })
      .default('auto')
      .describe(
        "model sizes N: a list, or count log-spaced sizes 'start:stop:count' (plus N = n when inside); 'auto' = n/10:20n:30",
      ),
    ridge: numberIn(0, Infinity)
      .default(0)
      .describe(
        'ridge λ in ‖Y − Za‖² + λ‖a‖²; 0 gives least squares below the threshold and the minimum-norm interpolant at and above it',
      ),
    labelNoise: numberIn(0, 1)
      .default(0)
      .describe('fraction of training labels replaced, once, by a uniformly random wrong class'),
    seed: integer()
      .default(1)
      .describe(
        'one seed for the subset, the label noise and the features: same seed and config, same numbers',
      ),
    // Off by default here: the cross kernel costs about as much arithmetic again as the fits.
    effectiveParameters: flag()
      .default(false)
      .describe(
        'also measure effective parameters (Curth et al. 2023): tr S on the training inputs and n/|test|·Σ‖ŝ(x₀)‖² on the test inputs (adds a running nTest × n cross kernel: about twice the time)',
      ),
  })
  .transform((c) => ({
    ...c,
    features: expandGrid(c.features, { include: c.n, auto: () => autoFeatures(c.n) }),
  }));

export type RffConfig = z.output<typeof rffSchema>;

export const rffPreset = definePreset<RffConfig>({
  name: 'rff',
  description: 'random-features double descent on MNIST (Belkin et al. 2018)',
  schema: rffSchema,
  indexKeys: ['features', 'parameters'],
  async run(config, context) {
    const { points, summary } = await runRff(config, context.loadDataset(config.dataset), {
      onProgress: context.onProgress,
      lanes: context.featureLanes,
    });
    return { points, summary: { ...summary }, summaryLines: summaryLines(summary) };
  },
  estimateBytes(config) {
    // The feature weights, a few n × n matrices (kernel, system, factor, Cholesky temporaries) and the
    // features, in f64. Kept features count whole; streamed ones (above 2 GiB, feature-curve.ts) as
    // the blocks below the threshold (≤ n² for the training rows) and four blocks in flight.
    // Kept, measured: 14.5 GiB at n = nTest = 10⁴, N = 6·10⁴ (estimate 13).
    // Effective parameters add the cross kernel and two solves' worth of nTest × n matrices, and
    // keep the test blocks below the threshold too.
    const { n, nTest } = config;
    const nMax = config.features[config.features.length - 1];
    const streamed = defaultStorage(n, nTest, nMax) === 'stream';
    const features = streamed ? 2 * (n + nTest) * 2048 + n * n : (n + nTest) * nMax;
    const effective = config.effectiveParameters ? 3 * nTest * n + (streamed ? nTest * n : 0) : 0;
    return 8 * (features + 784 * nMax + 5 * n ** 2 + effective) + 5e8;
  },
  summarizeRows(config, rows) {
    const summary = summarizeCurve(rows as CurvePoint[], config.n);
    return { summary: { ...summary }, summaryLines: summaryLines(summary) };
  },
});

/** The defaults, resolved (the README's `ddlab run rff`). */
export const RFF_DEFAULTS: RffConfig = rffPreset.resolve({});

// The curve itself lives in rff-curve.ts (shared with complexity-measures); kept importable from here.
export { runRff, type RffResult, type RffRunOptions } from './rff-curve.js';
