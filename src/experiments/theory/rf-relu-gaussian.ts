// Model-wise double descent of random ReLU features on Gaussian inputs with a linear target,
// measured against the Mei & Montanari 2019 closed form (src/theory/random-features-relu.ts):
// x ~ N(0, I_d), y = ⟨β, x⟩ + ε with ‖β‖ = F1 ('signal') and ε ~ N(0, τ²) ('noise'); features
// sqrt(1/N)·max(0, ⟨v_j, x⟩) with v_j uniform on the unit sphere (randomFeatures kind 'relu');
// least squares for N < n and the minimum-norm interpolant for N > n, all N of one seed from one
// nested draw by the whole-curve solver. The sweep is over ψ1 = N/d at fixed ψ2 = n/d.
//
// Measured per (N, seed): the excess test risk E_x[(f̂(x) − ⟨β, x⟩)²], estimated on nTest fresh
// inputs against the noise-free target (this is what the theory predicts: τ² not included), and the
// mean squared error against the noisy test labels (≈ risk + τ²). Isomorphic.
import { linearGaussian } from '../../data/linear-gaussian.js';
import { matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import { randomFeatures } from '../../models/random-features.js';
import { randomFeaturesRisk } from '../../theory/random-features-relu.js';
import { z } from 'zod';
import { numberIn, positiveInteger } from '../common/fields.js';
import { definePreset, wholeIssue, type PresetResult, type Row } from '../preset.js';
import { expandGrid, gridInput, logSpacedFeatures } from '../common/grid.js';
import { repetitionFields, repetitionSeed } from '../common/repetitions.js';
import { stats } from '../common/statistics.js';
import { alignedLines } from '../common/aligned-lines.js';

/** 'auto': 24 log-spaced N from d/10 to 30d, plus N = 0.9n, 0.95n, 1.05n, 1.1n; never N = n. */
export function autoRfFeatures(d: number, n: number): number[] {
  const grid = logSpacedFeatures(Math.max(1, Math.round(d / 10)), 30 * d, 24);
  const near = [0.9, 0.95, 1.05, 1.1].map((f) => Math.round(f * n));
  return [...new Set([...grid, ...near])].filter((N) => N >= 1 && N !== n).sort((a, b) => a - b);
}

export const rfReluGaussianSchema = z
  .strictObject({
    d: positiveInteger().default(200).describe('input dimension d'),
    n: positiveInteger().default(600).describe('training points n (ψ2 = n/d)'),
    nTest: positiveInteger().default(2000).describe('fresh test points per seed'),
    features: gridInput('model sizes', { auto: true })
      .default('auto')
      .describe(
        "model sizes N (ψ1 = N/d): a list, 'start:stop:count' or 'auto' (24 log-spaced from d/10 to 30d, plus 0.9n … 1.1n); N = n is excluded (the theory is infinite there)",
      ),
    signal: numberIn(0, Infinity).default(1).describe('F1 = ‖β‖'),
    noise: numberIn(0, Infinity).default(0.5).describe('τ: the label-noise standard deviation'),
    ...repetitionFields(10, 'repetitions (data, test set and features are redrawn for each)'),
  })
  .transform((c, ctx) => {
    if (Array.isArray(c.features)) {
      const i = c.features.indexOf(c.n);
      if (i >= 0) {
        ctx.addIssue(
          wholeIssue(
            `features[${i}] = ${c.n} equals n: the theory's risk is infinite at N = n; leave it out`,
            ['features', i],
          ),
        );
        return z.NEVER;
      }
    }
    const features = expandGrid(c.features, { auto: () => autoRfFeatures(c.d, c.n) }).filter(
      (N) => N !== c.n,
    );
    if (features.length === 0) {
      ctx.addIssue(
        wholeIssue(`features '${String(c.features)}' leaves no model size besides N = n`, ['features']),
      );
      return z.NEVER;
    }
    return { ...c, features };
  });

export type RfReluGaussianConfig = z.output<typeof rfReluGaussianSchema>;

/** Per-seed excess risks and test MSEs: risk[k][s] for features[k], seed + s. */
export interface RfReluGaussianTrials {
  risk: number[][];
  testMse: number[][];
}

export async function rfReluGaussianTrials(
  config: RfReluGaussianConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<RfReluGaussianTrials> {
  const { d, n, nTest, features, seeds } = config;
  const risk = features.map(() => new Array<number>(seeds));
  const testMse = features.map(() => new Array<number>(seeds));
  const total = seeds * features.length;
  let done = 0;
  for (let s = 0; s < seeds; s++) {
    const seed = repetitionSeed(config.seed, s);
    // Data and features use separate random streams of the same seed.
    const data = linearGaussian({ d, n, nTest, r: config.signal, sigma: config.noise, seed });
    const featureMap = randomFeatures({
      kind: 'relu',
      inputDim: d,
      maxFeatures: features[features.length - 1],
      seed,
    });
    let k = 0;
    for await (const fit of fitFeatureCurve({
      featureMap,
      xTrain: data.train.x,
      xTest: data.test.x,
      yTrain: matrix(n, 1, data.train.y),
      features,
      ridge: 0,
    })) {
      const prediction = fit.testPrediction.data;
      let r2 = 0;
      let mse = 0;
      for (let i = 0; i < nTest; i++) {
        r2 += (prediction[i] - data.test.truth[i]) ** 2;
        mse += (prediction[i] - data.test.y[i]) ** 2;
      }
      risk[k][s] = r2 / nTest;
      testMse[k][s] = mse / nTest;
      k++;
      onProgress?.(++done, total);
    }
  }
  return { risk, testMse };
}

export function rfReluGaussianRows(config: RfReluGaussianConfig, trials: RfReluGaussianTrials): Row[] {
  const { d, n, signal, noise } = config;
  const psi2 = n / d;
  return config.features.map((N, k) => {
    const psi1 = N / d;
    const risk = stats(trials.risk[k]);
    const theory = randomFeaturesRisk(psi1, psi2, { signal, noise });
    return {
      psi1,
      features: N,
      psi2,
      d,
      n,
      riskMedian: risk.median,
      riskQ1: risk.q1,
      riskQ3: risk.q3,
      riskMean: risk.mean,
      riskSd: risk.std,
      testMseMedian: stats(trials.testMse[k]).median,
      theory: theory.risk,
      theoryBias: signal === 0 ? 0 : signal * signal * theory.bias,
      theoryVariance: noise === 0 ? 0 : noise * noise * theory.variance,
    };
  });
}

/** Points with N/n outside [1/1.5, 1.5] count as "away from the threshold". */
export const RF_AWAY_FACTOR = 1.5;

export interface RfReluGaussianSummary {
  d: number;
  n: number;
  seeds: number;
  interpolationThreshold: number;
  peak: { features: number; psi1: number; riskMedian: number; theory: number };
  /** Worst |median/theory − 1| and |mean/theory − 1| away from the threshold. */
  medianVsTheory: { psi1: number; relativeError: number } | null;
  meanVsTheory: { psi1: number; relativeError: number } | null;
}

function worst(rows: Row[], n: number, value: (r: Row) => number) {
  let out: { psi1: number; relativeError: number } | null = null;
  for (const r of rows) {
    const ratio = r.features / n;
    if (ratio > 1 / RF_AWAY_FACTOR && ratio < RF_AWAY_FACTOR) continue;
    const e = Math.abs(value(r) / r.theory - 1);
    if (!out || e > out.relativeError) out = { psi1: r.psi1, relativeError: e };
  }
  return out;
}

export function summarizeRfReluGaussian(config: RfReluGaussianConfig, rows: Row[]): RfReluGaussianSummary {
  const top = rows.reduce((a, b) => (b.riskMedian > a.riskMedian ? b : a));
  return {
    d: config.d,
    n: config.n,
    seeds: config.seeds,
    interpolationThreshold: config.n,
    peak: { features: top.features, psi1: top.psi1, riskMedian: top.riskMedian, theory: top.theory },
    medianVsTheory: worst(rows, config.n, (r) => r.riskMedian),
    meanVsTheory: worst(rows, config.n, (r) => r.riskMean),
  };
}

export function rfReluGaussianSummaryLines(config: RfReluGaussianConfig, s: RfReluGaussianSummary): string[] {
  const g3 = (x: number) => x.toPrecision(3);
  const pct = (e: { psi1: number; relativeError: number } | null) =>
    e ? `${(100 * e.relativeError).toFixed(1)}% (ψ1 = ${g3(e.psi1)})` : '(no points away from N = n)';
  const away = `N/n ∉ (1/${RF_AWAY_FACTOR}, ${RF_AWAY_FACTOR})`;
  const lines: [string, string][] = [
    [
      'model',
      `x ~ N(0, I_d), d = ${config.d}, n = ${config.n} (ψ2 = ${g3(config.n / config.d)}), ‖β‖ = ${config.signal}, τ = ${config.noise}, ${config.seeds} seeds`,
    ],
    ['interpolation threshold', `N = n = ${config.n} (ψ1 = ψ2)`],
    [
      'peak (median)',
      `N = ${s.peak.features} (ψ1 = ${g3(s.peak.psi1)}): excess risk ${g3(s.peak.riskMedian)}, theory ${g3(s.peak.theory)}`,
    ],
    ['median vs theory', `worst ${pct(s.medianVsTheory)} for ${away}`],
    ['mean vs theory', `worst ${pct(s.meanVsTheory)} for ${away}`],
  ];
  return alignedLines(lines);
}

export async function runRfReluGaussian(
  config: RfReluGaussianConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<PresetResult> {
  const rows = rfReluGaussianRows(config, await rfReluGaussianTrials(config, onProgress));
  const summary = summarizeRfReluGaussian(config, rows);
  return { points: rows, summary: { ...summary }, summaryLines: rfReluGaussianSummaryLines(config, summary) };
}

export const rfReluGaussianPreset = definePreset<RfReluGaussianConfig>({
  name: 'rf-relu-gaussian',
  description: 'random ReLU features on Gaussian inputs, linear target, vs Mei & Montanari 2019 theory',
  schema: rfReluGaussianSchema,
  aliases: { r: 'signal', sigma: 'noise' },
  indexKeys: ['psi1', 'features', 'psi2', 'd', 'n'],
  run: (config, context) => runRfReluGaussian(config, context.onProgress),
  estimateBytes(config) {
    // As rff: stored train and test features, the weights, the data and a few n × n matrices.
    const { d, n, nTest } = config;
    const nMax = config.features[config.features.length - 1];
    return 8 * ((n + nTest) * nMax + d * nMax + (n + nTest) * d + 5 * n ** 2) + 5e8;
  },
  summarizeRows(config, rows) {
    const summary = summarizeRfReluGaussian(config, rows);
    return { summary: { ...summary }, summaryLines: rfReluGaussianSummaryLines(config, summary) };
  },
});
