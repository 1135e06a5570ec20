// Double descent of linear least squares in the number of parameters, measured against its closed
// form (Hastie, Montanari, Rosset & Tibshirani 2019): x ~ N(0, I_p), y = ⟨β, x⟩ + ε, ‖β‖ = r,
// ε ~ N(0, σ²), n training points; the model uses all p coordinates (well specified), so γ = p/n.
// For each p and seed a fresh problem is drawn (src/data/linear-gaussian.ts; its nested inputs make
// the sweep over p use common random numbers) and fitted by the shared solver fitFeatureCurve
// through the coordinate feature map: minimum-norm least squares (λ = 0), ridge with a fixed λ, or
// the optimal ridge λ* = σ²γ/r². Isomorphic.
//
// λ convention: Hastie et al.'s (1/n)‖y − Xβ‖² + λ‖β‖². fitFeatureCurve minimises ‖Y − Za‖² +
// ridge·‖a‖² with Z = scale·X and scale = 1 for coordinates, so it is given ridge = n·λ.
//
// Measured per (λ, p, seed): the excess test risk ‖β̂ − β‖² = E_x[(⟨β̂, x⟩ − ⟨β, x⟩)²] — exact, since
// x is isotropic (β̂ is read off the fitted model's predictions at the basis vectors e_1 … e_p) —
// and the mean squared error on nTest fresh noisy test points (≈ risk + σ²).
import { linearGaussian } from '../../data/linear-gaussian.js';
import { matrix, type Matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import type { EffectiveParameters } from '../../fit/effective-parameters.js';
import { coordinateFeatures } from '../../models/coordinate-features.js';
import {
  finiteRidgelessRisk,
  optimalRidgeLambda,
  ridgeRisk,
  type LinearTarget,
} from '../../theory/isotropic-least-squares.js';
import { z } from 'zod';
import { flag, listOf, numberIn, positiveInteger } from '../common/fields.js';
import { expandGrid, gridInput } from '../common/grid.js';
import { definePreset, wholeIssue, type PresetResult, type Row } from '../preset.js';
import { repetitionFields, repetitionSeed } from '../common/repetitions.js';
import { stats } from '../common/statistics.js';
import { alignedLines } from '../common/aligned-lines.js';

const AUTO_GAMMAS = [
  0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 1.025, 1.05, 1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5, 3,
  4, 5,
];

/** 'auto': p = round(γn) for γ from 0.1 to 5 (denser near 1), leaving out |p − n| ≤ 1. */
export function autoDimensions(n: number): number[] {
  const ps = AUTO_GAMMAS.map((g) => Math.max(1, Math.round(g * n))).filter((p) => Math.abs(p - n) > 1);
  return [...new Set(ps)].sort((a, b) => a - b);
}

export const linearGaussianSchema = z
  .strictObject({
    n: positiveInteger().default(200).describe('training points'),
    nTest: positiveInteger().default(500).describe('fresh test points per problem (for the test MSE column)'),
    p: gridInput('dimensions', { auto: true })
      .default('auto')
      .describe(
        "model dimensions p: a list, 'start:stop:count' (log-spaced) or 'auto' (γ = p/n from 0.1 to 5); |p − n| ≤ 1 is excluded (infinite expected risk)",
      ),
    ridges: listOf(
      z.union([numberIn(0, Infinity), z.literal('optimal')], { error: "must be a λ ≥ 0 or 'optimal'" }),
      "λ ≥ 0 or 'optimal'",
    )
      .default([0, 'optimal'])
      .transform((v) => [...new Set(v)])
      .describe("ridge penalties λ in the (1/n)‖y − Xβ‖² + λ‖β‖² convention; 'optimal' is λ* = σ²γ/r² per p"),
    signal: numberIn(0, Infinity).default(1).describe('‖β‖ = r (alias: r)'),
    noise: numberIn(0, Infinity).default(0.5).describe('noise standard deviation σ (alias: sigma)'),
    // Off by default, as in rff: above the threshold it keeps a cross kernel and solves with it.
    effectiveParameters: flag()
      .default(false)
      .describe(
        'also measure effective parameters (Curth et al. 2023) of each fit: tr S and n/|test|·Σ‖ŝ(x₀)‖² over the test inputs (the basis vectors that read off β̂ excluded); rows gain their median and quartiles over the problems',
      ),
    ...repetitionFields(40, 'problems drawn per point'),
  })
  .transform((c, ctx) => {
    if (c.signal === 0 && c.ridges.includes('optimal')) {
      ctx.addIssue(
        wholeIssue(`ridges: 'optimal' needs r > 0 (the signal ‖β‖; λ* = σ²γ/r²), got r = 0`, ['ridges']),
      );
      return z.NEVER;
    }
    const p = expandGrid(c.p, { auto: () => autoDimensions(c.n) });
    const near = p.findIndex((d) => Math.abs(d - c.n) <= 1);
    if (Array.isArray(c.p) && near >= 0) {
      ctx.addIssue(
        wholeIssue(
          `p[${c.p.indexOf(p[near])}] = ${p[near]} is within 1 of n = ${c.n}, where the expected ridgeless risk is infinite; leave it out`,
          ['p'],
        ),
      );
      return z.NEVER;
    }
    const kept = p.filter((d) => Math.abs(d - c.n) > 1);
    if (kept.length === 0) {
      ctx.addIssue(wholeIssue(`p '${String(c.p)}' leaves no dimension away from n = ${c.n}`, ['p']));
      return z.NEVER;
    }
    return { ...c, p: kept };
  });

export type LinearGaussianConfig = z.output<typeof linearGaussianSchema>;
export type RidgeSetting = LinearGaussianConfig['ridges'][number];

/** Per-seed measurements of every (λ, p): risks[c][k][s] for ridges[c], p[k], seed + s. */
export interface LinearGaussianTrials {
  risk: number[][][];
  testMse: number[][][];
  /** With `effectiveParameters`: p_train and p_test of each fit, indexed like `risk`. */
  effectiveTrain?: number[][][];
  effectiveTest?: number[][][];
}

/** The fitFeatureCurve ridge for a setting at dimension p: n·λ, with λ* = σ²γ/r² for 'optimal'. */
export function solverRidge(setting: RidgeSetting, p: number, config: LinearGaussianConfig): number {
  return config.n * lambdaAt(setting, p, config);
}

function lambdaAt(setting: RidgeSetting, p: number, config: LinearGaussianConfig): number {
  return setting === 'optimal'
    ? optimalRidgeLambda(p / config.n, { r: config.signal, sigma: config.noise })
    : setting;
}

export async function linearGaussianTrials(
  config: LinearGaussianConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<LinearGaussianTrials> {
  const { n, nTest, p: dims, ridges, seeds } = config;
  const risk = ridges.map(() => dims.map(() => new Array<number>(seeds)));
  const testMse = ridges.map(() => dims.map(() => new Array<number>(seeds)));
  const effective = config.effectiveParameters;
  const effectiveTrain = ridges.map(() => dims.map(() => new Array<number>(seeds)));
  const effectiveTest = ridges.map(() => dims.map(() => new Array<number>(seeds)));
  const total = seeds * dims.length * ridges.length;
  let done = 0;
  for (let s = 0; s < seeds; s++) {
    for (let k = 0; k < dims.length; k++) {
      const p = dims[k];
      const data = linearGaussian({
        d: p,
        n,
        nTest,
        r: config.signal,
        sigma: config.noise,
        seed: repetitionSeed(config.seed, s),
      });
      // Test inputs, then the basis vectors e_1 … e_p: the predictions there are β̂ itself.
      const xTest = matrix(nTest + p, p);
      xTest.data.set(data.test.x.data);
      for (let j = 0; j < p; j++) xTest.data[(nTest + j) * p + j] = 1;
      for (let c = 0; c < ridges.length; c++) {
        const fit = await fitOne(data.train.x, data.train.y, xTest, solverRidge(ridges[c], p, config), {
          effectiveTestRows: effective ? nTest : undefined,
        });
        const prediction = fit.prediction;
        if (fit.effective) {
          effectiveTrain[c][k][s] = fit.effective.train;
          effectiveTest[c][k][s] = fit.effective.test;
        }
        let r2 = 0;
        for (let j = 0; j < p; j++) r2 += (prediction[nTest + j] - data.beta[j]) ** 2;
        let mse = 0;
        for (let i = 0; i < nTest; i++) mse += (prediction[i] - data.test.y[i]) ** 2;
        risk[c][k][s] = r2;
        testMse[c][k][s] = mse / nTest;
        onProgress?.(++done, total);
      }
    }
  }
  return { risk, testMse, ...(effective && { effectiveTrain, effectiveTest }) };
}

/** One fit; with `effectiveTestRows`, also its effective parameters over those first test rows. */
async function fitOne(
  xTrain: Matrix,
  y: Float64Array,
  xTest: Matrix,
  ridge: number,
  options: { effectiveTestRows?: number },
): Promise<{ prediction: Float64Array; effective?: EffectiveParameters }> {
  const p = xTrain.cols;
  for await (const fit of fitFeatureCurve({
    featureMap: coordinateFeatures(p),
    xTrain,
    xTest,
    yTrain: matrix(y.length, 1, y),
    features: [p],
    ridge,
    effectiveParameters: options.effectiveTestRows !== undefined,
    effectiveTestRows: options.effectiveTestRows,
  })) {
    return { prediction: fit.testPrediction.data, effective: fit.effectiveParameters };
  }
  throw new Error(`p = ${p}: the solver returned no fit`);
}

/** Rows of the run: one per (λ setting, p), λ settings in config order, p increasing. */
export function linearGaussianRows(config: LinearGaussianConfig, trials: LinearGaussianTrials): Row[] {
  const target: LinearTarget = { r: config.signal, sigma: config.noise };
  const { n } = config;
  return config.ridges.flatMap((setting, c) =>
    config.p.map((p, k) => {
      const gamma = p / n;
      const lambda = lambdaAt(setting, p, config);
      const risk = stats(trials.risk[c][k]);
      const row: Row = {
        gamma,
        p,
        n,
        lambda,
        optimalRidge: setting === 'optimal' ? 1 : 0,
        riskMedian: risk.median,
        riskQ1: risk.q1,
        riskQ3: risk.q3,
        riskMean: risk.mean,
        riskSd: risk.std,
        testMseMedian: stats(trials.testMse[c][k]).median,
        theory: ridgeRisk(gamma, lambda, target),
      };
      // The finite-n expectation has a closed form for the ridgeless fit only.
      if (lambda === 0) row.theoryFinite = finiteRidgelessRisk(p, n, target);
      if (trials.effectiveTrain && trials.effectiveTest) {
        const train = stats(trials.effectiveTrain[c][k]);
        const test = stats(trials.effectiveTest[c][k]);
        Object.assign(row, {
          effectiveTrain: train.median,
          effectiveTest: test.median,
          effectiveTestQ1: test.q1,
          effectiveTestQ3: test.q3,
        });
      }
      return row;
    }),
  );
}

export interface LinearGaussianSummary {
  n: number;
  seeds: number;
  curves: {
    ridge: RidgeSetting;
    /** Largest median risk over the sweep. */
    peak: { p: number; gamma: number; riskMedian: number; theory: number };
    /** Worst |median/theory − 1| over rows with |γ − 1| ≥ 0.2. */
    medianVsTheory: { gamma: number; relativeError: number } | null;
    /**
     * The mean against the exact finite-n expectation (ridgeless only), over rows with |γ − 1| ≥ 0.2:
     * the largest gap in standard errors of the mean (sd/√seeds) and the largest relative gap.
     */
    meanVsFiniteTheory: {
      worstZ: { gamma: number; z: number };
      worstRelative: { gamma: number; relativeError: number };
    } | null;
  }[];
}

/** Rows counted as "away from the threshold" in the agreement figures. */
export const AWAY_FROM_THRESHOLD = 0.2;

function worst(rows: Row[], value: (r: Row) => number, reference: (r: Row) => number) {
  let out: { gamma: number; relativeError: number } | null = null;
  for (const r of rows) {
    if (Math.abs(r.gamma - 1) < AWAY_FROM_THRESHOLD) continue;
    const e = Math.abs(value(r) / reference(r) - 1);
    if (!out || e > out.relativeError) out = { gamma: r.gamma, relativeError: e };
  }
  return out;
}

function meanVsFinite(
  rows: Row[],
  seeds: number,
): NonNullable<LinearGaussianSummary['curves'][number]['meanVsFiniteTheory']> | null {
  const relative = worst(
    rows,
    (r) => r.riskMean,
    (r) => r.theoryFinite,
  );
  let worstZ: { gamma: number; z: number } | null = null;
  for (const r of rows) {
    if (Math.abs(r.gamma - 1) < AWAY_FROM_THRESHOLD) continue;
    const z = Math.abs(r.riskMean - r.theoryFinite) / (r.riskSd / Math.sqrt(seeds));
    if (!worstZ || z > worstZ.z) worstZ = { gamma: r.gamma, z };
  }
  return relative && worstZ ? { worstZ, worstRelative: relative } : null;
}

export function summarizeLinearGaussian(config: LinearGaussianConfig, rows: Row[]): LinearGaussianSummary {
  return {
    n: config.n,
    seeds: config.seeds,
    curves: config.ridges.map((ridge) => {
      const mine = rows.filter((r) =>
        ridge === 'optimal' ? r.optimalRidge === 1 : r.optimalRidge === 0 && r.lambda === ridge,
      );
      if (mine.length === 0) throw new Error(`summary: no rows for ridge ${ridge}`);
      const top = mine.reduce((a, b) => (b.riskMedian > a.riskMedian ? b : a));
      return {
        ridge,
        peak: { p: top.p, gamma: top.gamma, riskMedian: top.riskMedian, theory: top.theory },
        medianVsTheory: worst(
          mine,
          (r) => r.riskMedian,
          (r) => r.theory,
        ),
        meanVsFiniteTheory: ridge === 0 ? meanVsFinite(mine, config.seeds) : null,
      };
    }),
  };
}

const g3 = (x: number) => x.toPrecision(3);
const pct = (e: { gamma: number; relativeError: number } | null) =>
  e ? `${(100 * e.relativeError).toFixed(1)}% (γ = ${g3(e.gamma)})` : '(no rows with |γ − 1| ≥ 0.2)';

export function linearGaussianSummaryLines(config: LinearGaussianConfig, s: LinearGaussianSummary): string[] {
  const lines: [string, string][] = [
    [
      'model',
      `x ~ N(0, I_p), ‖β‖ = ${config.signal}, σ = ${config.noise}, n = ${config.n}, ${config.seeds} seeds; risk = ‖β̂ − β‖²`,
    ],
  ];
  for (const c of s.curves) {
    const name =
      c.ridge === 'optimal'
        ? 'optimal ridge λ*'
        : c.ridge === 0
          ? 'min-norm (λ = 0)'
          : `ridge λ = ${c.ridge}`;
    lines.push([
      `${name}: peak`,
      `p = ${c.peak.p} (γ = ${g3(c.peak.gamma)}): median risk ${g3(c.peak.riskMedian)}, theory ${g3(c.peak.theory)}`,
    ]);
    lines.push([
      `${name}: median vs theory`,
      `worst ${pct(c.medianVsTheory)} for |γ − 1| ≥ ${AWAY_FROM_THRESHOLD}`,
    ]);
    if (c.meanVsFiniteTheory) {
      const { worstZ, worstRelative } = c.meanVsFiniteTheory;
      lines.push([
        `${name}: mean vs exact finite-n`,
        `within ${worstZ.z.toFixed(1)} standard errors (γ = ${g3(worstZ.gamma)}); worst ${pct(worstRelative)}`,
      ]);
    }
  }
  return alignedLines(lines);
}

export async function runLinearGaussian(
  config: LinearGaussianConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<PresetResult> {
  const rows = linearGaussianRows(config, await linearGaussianTrials(config, onProgress));
  const summary = summarizeLinearGaussian(config, rows);
  return { points: rows, summary: { ...summary }, summaryLines: linearGaussianSummaryLines(config, summary) };
}

export const linearGaussianPreset = definePreset<LinearGaussianConfig>({
  name: 'linear-gaussian',
  description: 'min-norm and ridge least squares on isotropic Gaussian data vs Hastie et al. 2019 theory',
  schema: linearGaussianSchema,
  aliases: { r: 'signal', sigma: 'noise' },
  indexKeys: ['gamma', 'p', 'n', 'lambda', 'optimalRidge'],
  run: (config, context) => runLinearGaussian(config, context.onProgress),
  estimateBytes(config) {
    // At the largest p: the problem (inputs n × p, test inputs plus basis vectors (nTest + p) × p),
    // the solver's copies of them as features, and a few Gram-sized matrices, in f64.
    const pMax = config.p[config.p.length - 1];
    const { n, nTest } = config;
    return 8 * (2 * (2 * n + nTest + pMax) * pMax + 5 * Math.min(n, pMax) ** 2) + 5e8;
  },
  summarizeRows(config, rows) {
    const summary = summarizeLinearGaussian(config, rows);
    return { summary: { ...summary }, summaryLines: linearGaussianSummaryLines(config, summary) };
  },
});
