// Sample-wise non-monotonicity — "more data can hurt" — of minimum-norm least squares at a fixed
// dimension (Nakkiran 2019, arXiv 1912.07242), measured against the exact finite-n expectation:
// x ~ N(0, I_p), y = ⟨β, x⟩ + ε, ‖β‖ = r, ε ~ N(0, σ²); n training points, swept through n = p. Below
// p the fit is the minimum-norm interpolant, above it least squares. The expected excess risk
// ‖β̂ − β‖² is r²(1 − n/p) + σ²n/(p − n − 1) for n < p − 1 and σ²p/(n − p − 1) for n > p + 1
// (finiteRidgelessRisk); it diverges at n ∈ [p − 1, p + 1]. With little noise it first falls with n
// (the bias r²(1 − n/p) shrinks) and then rises towards n = p (the variance blows up): more data
// hurts between the minimum near n* = p − 1 − σ√(p(p − 1))/r and n = p.
//
// Per repetition one problem is drawn with the largest n (src/data/linear-gaussian.ts) and every
// smaller n takes its first n rows, so the sizes share their draws (common random numbers). Fits by
// the shared solver fitFeatureCurve on the coordinates (ridge 0); β̂ is read off its predictions at
// the basis vectors, and the risk ‖β̂ − β‖² is exact (x is isotropic). Isomorphic.
import { z } from 'zod';
import { linearGaussian } from '../../data/linear-gaussian.js';
import { identity, matrix, type Matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import { coordinateFeatures } from '../../models/coordinate-features.js';
import { finiteRidgelessRisk, type LinearTarget } from '../../theory/isotropic-least-squares.js';
import { alignedLines } from '../common/aligned-lines.js';
import { argMin, peakShape } from '../common/curve-shape.js';
import { numberIn, positiveInteger } from '../common/fields.js';
import { expandGrid, gridInput } from '../common/grid.js';
import { repetitionFields, repetitionSeed } from '../common/repetitions.js';
import { stats } from '../common/statistics.js';
import { theoryAgreement, type TheoryAgreement } from '../common/theory-agreement.js';
import { definePreset, wholeIssue, type PresetResult, type Row } from '../preset.js';

const AUTO_RATIOS = [
  0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 1.03, 1.05, 1.1, 1.2, 1.35, 1.5, 2, 3,
];

/** 'auto': n = round(c·p) for c from 0.1 to 3 (denser near 1), leaving out |n − p| ≤ 1. */
export function autoSizes(p: number): number[] {
  const ns = AUTO_RATIOS.map((c) => Math.max(1, Math.round(c * p))).filter((n) => Math.abs(n - p) > 1);
  return [...new Set(ns)].sort((a, b) => a - b);
}

/** Rows with |n − p| below this fraction of p are left out of the agreement figures. */
export const AWAY_FROM_SINGULAR = 0.1;

export const samplewiseLinearSchema = z
  .strictObject({
    p: positiveInteger().default(100).describe('input dimension p = d (the model uses every coordinate)'),
    sizes: gridInput('training set sizes', { auto: true })
      .default('auto')
      .describe(
        "training set sizes n: a list, 'start:stop:count' (log-spaced) or 'auto' (n/p from 0.1 to 3); |n − p| ≤ 1 is excluded (infinite expected risk)",
      ),
    signal: numberIn(0, Infinity).default(1).describe('‖β‖ = r'),
    noise: numberIn(0, Infinity).default(0.1).describe('noise standard deviation σ'),
    ...repetitionFields(100, 'problems drawn per size'),
  })
  .transform((c, ctx) => {
    const ns = expandGrid(c.sizes, { auto: () => autoSizes(c.p) });
    const near = ns.find((n) => Math.abs(n - c.p) <= 1);
    if (near !== undefined && Array.isArray(c.sizes)) {
      ctx.addIssue(
        wholeIssue(
          `sizes[${c.sizes.indexOf(near)}] = ${near} is within 1 of p = ${c.p}, where the expected risk is infinite; leave it out`,
          ['sizes'],
        ),
      );
      return z.NEVER;
    }
    const kept = ns.filter((n) => Math.abs(n - c.p) > 1);
    if (kept.length < 2) {
      ctx.addIssue(
        wholeIssue(
          `sizes '${String(c.sizes)}' leaves ${kept.length} size(s) away from p = ${c.p}; a curve needs at least 2`,
          ['sizes'],
        ),
      );
      return z.NEVER;
    }
    return { ...c, sizes: kept };
  });

export type SamplewiseLinearConfig = z.output<typeof samplewiseLinearSchema>;

async function minNormCoefficients(x: Matrix, y: Float64Array, p: number): Promise<Float64Array> {
  for await (const fit of fitFeatureCurve({
    featureMap: coordinateFeatures(p),
    xTrain: x,
    xTest: identity(p),
    yTrain: matrix(y.length, 1, y),
    features: [p],
    ridge: 0,
  })) {
    return fit.testPrediction.data;
  }
  throw new Error(`p = ${p}: the solver returned no fit`);
}

/** risk[k][s]: ‖β̂ − β‖² at n[k] for repetition s. */
export async function samplewiseLinearTrials(
  config: SamplewiseLinearConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<number[][]> {
  const { p, sizes, seeds } = config;
  const nMax = sizes[sizes.length - 1];
  const risk = sizes.map(() => new Array<number>(seeds));
  const total = seeds * sizes.length;
  let done = 0;
  for (let s = 0; s < seeds; s++) {
    const data = linearGaussian({
      d: p,
      n: nMax,
      nTest: 0,
      r: config.signal,
      sigma: config.noise,
      seed: repetitionSeed(config.seed, s),
    });
    for (let k = 0; k < sizes.length; k++) {
      const n = sizes[k];
      const x = matrix(n, p, data.train.x.data.slice(0, n * p));
      const beta = await minNormCoefficients(x, data.train.y.slice(0, n), p);
      let r2 = 0;
      for (let j = 0; j < p; j++) r2 += (beta[j] - data.beta[j]) ** 2;
      risk[k][s] = r2;
      onProgress?.(++done, total);
    }
  }
  return risk;
}

export function samplewiseLinearRows(config: SamplewiseLinearConfig, risk: number[][]): Row[] {
  const target: LinearTarget = { r: config.signal, sigma: config.noise };
  return config.sizes.map((n, k) => {
    const s = stats(risk[k]);
    return {
      n,
      p: config.p,
      ratio: n / config.p,
      riskMean: s.mean,
      riskSd: s.std,
      riskMedian: s.median,
      riskQ1: s.q1,
      riskQ3: s.q3,
      theory: finiteRidgelessRisk(config.p, n, target),
    };
  });
}

interface Point {
  n: number;
  mean: number;
  theory: number;
}

export interface SamplewiseLinearSummary {
  p: number;
  seeds: number;
  /** The lowest mean risk below p, and the largest size below p: more data hurts when the latter is higher. */
  bestBelow: Point | null;
  lastBelow: Point | null;
  moreDataHurts: boolean;
  /** The most pronounced peak of the mean curve, with the lowest points before and after it. */
  shape: { before: Point; peak: Point; after: Point };
  agreement: TheoryAgreement | null;
}

export function summarizeSamplewiseLinear(
  config: SamplewiseLinearConfig,
  rows: Row[],
): SamplewiseLinearSummary {
  const sorted = [...rows].sort((a, b) => a.n - b.n);
  const point = (r: Row): Point => ({ n: r.n, mean: r.riskMean, theory: r.theory });
  const below = sorted.filter((r) => r.n < config.p);
  const bestBelow = below.length ? point(below[argMin(below.map((r) => r.riskMean))]) : null;
  const lastBelow = below.length ? point(below[below.length - 1]) : null;
  const shape = peakShape(sorted.map((r) => r.riskMean));
  return {
    p: config.p,
    seeds: config.seeds,
    bestBelow,
    lastBelow,
    moreDataHurts: bestBelow !== null && lastBelow !== null && lastBelow.mean > bestBelow.mean,
    shape: {
      before: point(sorted[shape.before]),
      peak: point(sorted[shape.peak]),
      after: point(sorted[shape.after]),
    },
    agreement: theoryAgreement(sorted, {
      at: 'n',
      mean: 'riskMean',
      sd: 'riskSd',
      theory: 'theory',
      draws: config.seeds,
      include: (r) => Math.abs(r.n - config.p) >= AWAY_FROM_SINGULAR * config.p,
    }),
  };
}

const g3 = (x: number) => Number(x.toPrecision(3)).toString();

export function samplewiseLinearSummaryLines(
  config: SamplewiseLinearConfig,
  s: SamplewiseLinearSummary,
): string[] {
  const lines: [string, string][] = [
    [
      'model',
      `x ~ N(0, I_${config.p}), ‖β‖ = ${config.signal}, σ = ${config.noise}, min-norm least squares, ${config.seeds} seeds; risk = ‖β̂ − β‖²`,
    ],
  ];
  if (s.bestBelow && s.lastBelow) {
    lines.push([
      'more data hurts',
      s.moreDataHurts
        ? `yes: mean risk ${g3(s.bestBelow.mean)} at n = ${s.bestBelow.n} (theory ${g3(s.bestBelow.theory)}) rises to ${g3(s.lastBelow.mean)} at n = ${s.lastBelow.n} (theory ${g3(s.lastBelow.theory)})`
        : `no: the mean risk below p is lowest at the largest n = ${s.lastBelow.n} (${g3(s.lastBelow.mean)})`,
    ]);
  }
  const { before, peak, after } = s.shape;
  const at = (q: Point) => `${g3(q.mean)} at n = ${q.n} (theory ${g3(q.theory)})`;
  lines.push(['mean risk', `${at(before)} → peak ${at(peak)} → ${at(after)}`]);
  if (s.agreement) {
    lines.push([
      'mean vs exact expectation',
      `worst ${(100 * s.agreement.worstRelative.value).toFixed(1)}% (n = ${s.agreement.worstRelative.at}); within ${s.agreement.worstZ.value.toFixed(1)} standard errors (n = ${s.agreement.worstZ.at}); ${s.agreement.rows} sizes with |n − p| ≥ ${AWAY_FROM_SINGULAR}p`,
    ]);
  }
  return alignedLines(lines);
}

export async function runSamplewiseLinear(
  config: SamplewiseLinearConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<PresetResult> {
  const rows = samplewiseLinearRows(config, await samplewiseLinearTrials(config, onProgress));
  const summary = summarizeSamplewiseLinear(config, rows);
  return {
    points: rows,
    summary: { ...summary },
    summaryLines: samplewiseLinearSummaryLines(config, summary),
  };
}

export const samplewiseLinearPreset = definePreset<SamplewiseLinearConfig>({
  name: 'samplewise-linear',
  description:
    'more data can hurt: min-norm least squares at fixed p against n, vs its exact finite-n expectation',
  schema: samplewiseLinearSchema,
  indexKeys: ['n', 'p', 'ratio'],
  run: (config, context) => runSamplewiseLinear(config, context.onProgress),
  estimateBytes(config) {
    const nMax = config.sizes[config.sizes.length - 1];
    return 8 * (3 * nMax * config.p + 6 * config.p * config.p + 3 * Math.min(nMax, config.p) ** 2) + 3e8;
  },
  summarizeRows(config, rows) {
    const summary = summarizeSamplewiseLinear(config, rows);
    return { summary: { ...summary }, summaryLines: samplewiseLinearSummaryLines(config, summary) };
  },
});
