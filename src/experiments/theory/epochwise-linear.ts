// Epoch-wise double descent in a linear model, against its exact theory (Heckel & Yilmaz 2020,
// arXiv 2007.10099; Pezeshki et al. 2022): least squares on features of two scales (fast ones of
// scale 1, slow ones of scale 1/κ; src/data/two-scale-linear.ts), trained by full-batch gradient
// descent from 0. The fast features are fitted first and, with the slow signal still unexplained,
// overfit it, so the test risk falls, rises; once the slow features are learned it falls again.
// Heckel & Yilmaz's remedy is a step size per feature group: the slow features' steps multiplied
// (by κ², which equalises the two scales), so both are learned at once — the peak goes away and the
// early-stopped risk is lower.
//
// Per run: one design (from the seed), `draws` independent teachers and label noises on it. Each
// curve (one step size; per-group step sizes) is measured by running gradient descent
// (src/fit/linear-gradient-descent.ts) and reading the exact excess risk ‖S(w − β)‖² at the grid's
// step counts, and set against (a) the exact risk of each draw, from the eigendecomposition
// (1 − ηλ)^k (src/theory/gradient-descent.ts) — agreement to rounding — and (b) the exact expected
// risk of the design, averaged over teachers and noise, which the mean over draws estimates.
// Step sizes: lr/λ_max of P^{1/2}(XᵀX/n)P^{1/2} times the group multipliers P (so lr = 1 is
// Pezeshki et al.'s η = 1/λ_max for one step size). Isomorphic.
import { z } from 'zod';
import { twoScaleLinear, type TwoScaleProblem } from '../../data/two-scale-linear.js';
import type { Matrix } from '../../engine/matrix.js';
import { linearGradientDescent } from '../../fit/linear-gradient-descent.js';
import {
  gradientDescentRiskForDesign,
  gradientDescentRiskForProblem,
  gradientDescentSpectrum,
  scaledSpectrum,
} from '../../theory/gradient-descent.js';
import { alignedLines } from '../common/aligned-lines.js';
import { argMin, peakShape, type PeakShape } from '../common/curve-shape.js';
import { integer, integerAtLeast, numberIn, positiveInteger } from '../common/fields.js';
import { expandGrid, gridInput } from '../common/grid.js';
import { stats } from '../common/statistics.js';
import { theoryAgreement, type TheoryAgreement } from '../common/theory-agreement.js';
import { definePreset, wholeIssue, type PresetResult, type Row } from '../preset.js';

export const epochwiseLinearSchema = z
  .strictObject({
    n: positiveInteger().default(130).describe('training points'),
    fast: integerAtLeast(0, 'an integer ≥ 0').default(70).describe('features of scale 1 (learned fast)'),
    slow: integerAtLeast(0, 'an integer ≥ 0')
      .default(30)
      .describe('features of scale 1/κ (learned about κ² times slower)'),
    kappa: numberIn(1, Infinity).default(20).describe('scale ratio κ of the fast to the slow features'),
    signal: numberIn(0, Infinity)
      .default(1)
      .describe('teacher size r: θ ~ N(0, r²/d · I), so the risk at step 0 is r² on average'),
    noise: numberIn(0, Infinity).default(0.2).describe('label noise standard deviation σ'),
    lr: numberIn(0, 2, { low: true, high: true })
      .default(1)
      .describe('step size in units of 1/λ_max of each curve’s step-scaled XᵀX/n (below 2: stable)'),
    slowLrFactor: z
      .union([numberIn(0, Infinity, { low: true }), z.literal('auto')], {
        error: "must be a number > 0 or 'auto'",
      })
      .default('auto')
      .describe("the remedy: the slow features' step-size multiplier; 'auto' = κ² (equal scales)"),
    steps: gridInput('step counts')
      .default('1:30000:45')
      .describe("step counts at which the risk is read: a list, or 'start:stop:count' (log-spaced)"),
    draws: positiveInteger()
      .max(10_000, { error: 'must be at most 10000' })
      .default(50)
      .describe(
        'teachers and label noises drawn on the one design (the mean over them estimates the theory)',
      ),
    seed: integer().default(1).describe('draws the design, the teachers and the noise'),
  })
  .transform((c, ctx) => {
    if (c.fast + c.slow < 1) {
      ctx.addIssue(wholeIssue(`fast + slow must be at least 1 feature, got ${c.fast} + ${c.slow}`, ['fast']));
      return z.NEVER;
    }
    return {
      ...c,
      steps: expandGrid(c.steps),
      slowLrFactor: c.slowLrFactor === 'auto' ? c.kappa ** 2 : c.slowLrFactor,
    };
  });

export type EpochwiseLinearConfig = z.output<typeof epochwiseLinearSchema>;

/** The two curves: one step size, and the remedy's per-group step sizes. */
export const CURVES = ['single step size', 'per-group step sizes'] as const;

interface CurveResult {
  /** risk[k][r]: measured risk at steps[k] for draw r. */
  risk: number[][];
  theory: Float64Array;
  /** max over draws of |measured − exact per-draw| / exact, per step count. */
  simulationError: number[];
  /** The step size of the fast features (and the slow ones' = fast·multiplier). */
  eta: number;
}

/** The excess risk Σ_j s_j²(w_j − β_j)² of column r of W. */
function riskOf(w: Matrix, problem: TwoScaleProblem, r: number): number {
  const { betas, testCovariance } = problem;
  const draws = betas.cols;
  let risk = 0;
  for (let j = 0; j < w.rows; j++)
    risk += testCovariance[j] * (w.data[j * draws + r] - betas.data[j * draws + r]) ** 2;
  return risk;
}

async function runCurve(
  problem: TwoScaleProblem,
  multipliers: Float64Array,
  config: EpochwiseLinearConfig,
): Promise<CurveResult> {
  const { x, y, betas, testCovariance, betaVariance } = problem;
  const unit = gradientDescentSpectrum({ x, stepSizes: multipliers, testCovariance });
  const factor = config.lr / unit.values[0];
  const spectrum = scaledSpectrum(unit, factor);
  const stepSizes = multipliers.map((m) => m * factor);
  const setting = { x, stepSizes, testCovariance };
  const iterates = await linearGradientDescent({ x, y, stepSizes, record: config.steps });
  const draws = y.cols;
  const risk = iterates.map((w) => Array.from({ length: draws }, (_, r) => riskOf(w, problem, r)));
  const simulationError = config.steps.map(() => 0);
  const column = (m: Matrix, r: number) =>
    Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + r]);
  for (let r = 0; r < draws; r++) {
    const exact = gradientDescentRiskForProblem(
      setting,
      column(y, r),
      column(betas, r),
      config.steps,
      spectrum,
    );
    exact.forEach((e, k) => {
      simulationError[k] = Math.max(simulationError[k], Math.abs(risk[k][r] - e) / e);
    });
  }
  const theory = gradientDescentRiskForDesign(
    setting,
    config.steps,
    { betaVariance, sigma: config.noise },
    spectrum,
  );
  return { risk, theory, simulationError, eta: factor };
}

export async function epochwiseLinearRows(
  config: EpochwiseLinearConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<Row[]> {
  const problem = twoScaleLinear({
    n: config.n,
    fast: config.fast,
    slow: config.slow,
    kappa: config.kappa,
    signal: config.signal,
    noise: config.noise,
    draws: config.draws,
    seed: config.seed,
  });
  const d = config.fast + config.slow;
  const plain = new Float64Array(d).fill(1);
  const perGroup = Float64Array.from({ length: d }, (_, j) => (j < config.fast ? 1 : config.slowLrFactor));
  const rows: Row[] = [];
  const curves = [plain, perGroup];
  for (let c = 0; c < curves.length; c++) {
    const result = await runCurve(problem, curves[c], config);
    config.steps.forEach((k, i) => {
      const s = stats(result.risk[i]);
      rows.push({
        remedy: c,
        steps: k,
        riskMean: s.mean,
        riskSd: s.std,
        riskMedian: s.median,
        riskQ1: s.q1,
        riskQ3: s.q3,
        theory: result.theory[i],
        simulationError: result.simulationError[i],
        etaFast: result.eta,
        etaSlow: result.eta * curves[c][d - 1],
      });
    });
    onProgress?.(c + 1, curves.length);
  }
  return rows;
}

interface CurveSummary {
  name: (typeof CURVES)[number];
  etaFast: number;
  etaSlow: number;
  /** The peak of the mean curve (height 0: none). */
  shape: { before: Point; peak: Point; after: Point; height: number; relativeHeight: number };
  /** The lowest mean risk over the step counts: the early-stopped risk. */
  best: Point;
  last: Point;
  doubleDescent: boolean;
  theoryShape: { before: Point; peak: Point; after: Point; height: number };
  agreement: TheoryAgreement | null;
  simulationError: number;
}

interface Point {
  steps: number;
  risk: number;
}

export interface EpochwiseLinearSummary {
  curves: CurveSummary[];
  /** Early-stopped risk of the remedy over that of one step size. */
  earlyStoppedRatio: number;
}

/** A rise and a fall of at least this fraction of the first minimum count as a peak. */
export const PEAK_MARGIN = 0.05;

function shapeOf(rows: Row[], field: string): PeakShape {
  return peakShape(rows.map((r) => r[field]));
}

export function summarizeEpochwiseLinear(config: EpochwiseLinearConfig, rows: Row[]): EpochwiseLinearSummary {
  const curves = CURVES.map((name, c): CurveSummary => {
    const mine = rows.filter((r) => r.remedy === c).sort((a, b) => a.steps - b.steps);
    if (mine.length === 0) throw new Error(`summary: no rows for the curve '${name}'`);
    const point = (i: number, field = 'riskMean'): Point => ({ steps: mine[i].steps, risk: mine[i][field] });
    const s = shapeOf(mine, 'riskMean');
    const t = shapeOf(mine, 'theory');
    const relativeHeight = s.height / mine[s.before].riskMean;
    return {
      name,
      etaFast: mine[0].etaFast,
      etaSlow: mine[0].etaSlow,
      shape: {
        before: point(s.before),
        peak: point(s.peak),
        after: point(s.after),
        height: s.height,
        relativeHeight,
      },
      best: point(argMin(mine.map((r) => r.riskMean))),
      last: point(mine.length - 1),
      doubleDescent: relativeHeight >= PEAK_MARGIN,
      theoryShape: {
        before: point(t.before, 'theory'),
        peak: point(t.peak, 'theory'),
        after: point(t.after, 'theory'),
        height: t.height,
      },
      agreement: theoryAgreement(mine, {
        at: 'steps',
        mean: 'riskMean',
        sd: 'riskSd',
        theory: 'theory',
        draws: config.draws,
      }),
      simulationError: Math.max(...mine.map((r) => r.simulationError)),
    };
  });
  return { curves, earlyStoppedRatio: curves[1].best.risk / curves[0].best.risk };
}

const g3 = (x: number) => Number(x.toPrecision(3)).toString();
const e1 = (x: number) => x.toExponential(1);
const at = (p: Point) => `${g3(p.risk)} (k = ${p.steps})`;

export function epochwiseLinearSummaryLines(
  config: EpochwiseLinearConfig,
  s: EpochwiseLinearSummary,
): string[] {
  const d = config.fast + config.slow;
  const lines: [string, string][] = [
    [
      'model',
      `n = ${config.n}, ${config.fast} features of scale 1 + ${config.slow} of scale 1/${g3(config.kappa)} (d = ${d}), σ = ${config.noise}, r = ${config.signal}; ${config.draws} draws of teacher and noise on one design`,
    ],
  ];
  for (const c of s.curves) {
    const steps =
      c.etaFast === c.etaSlow
        ? `η = ${g3(c.etaFast)} = ${g3(config.lr)}/λ_max`
        : `η = ${g3(c.etaFast)} fast, ${g3(c.etaSlow)} slow (×${g3(config.slowLrFactor)})`;
    lines.push([`${c.name}`, steps]);
    lines.push([
      '  mean test risk',
      c.doubleDescent
        ? `${at(c.shape.before)} → peak ${at(c.shape.peak)} → ${at(c.shape.after)}: falls, rises by ${(100 * c.shape.relativeHeight).toFixed(0)}%, falls again — epoch-wise double descent`
        : `no peak (largest rise-then-fall ${c.shape.relativeHeight < 1e-9 ? '0' : `${(100 * c.shape.relativeHeight).toFixed(1)}% of the minimum before it`}; a peak needs ${100 * PEAK_MARGIN}%); lowest ${at(c.best)}, last ${at(c.last)}`,
    ]);
    lines.push(['  early-stopped risk', `${at(c.best)}`]);
    if (c.agreement) {
      lines.push([
        '  mean vs exact expectation',
        `worst ${(100 * c.agreement.worstRelative.value).toFixed(1)}% (k = ${c.agreement.worstRelative.at}); within ${c.agreement.worstZ.value.toFixed(1)} standard errors (k = ${c.agreement.worstZ.at})`,
      ]);
    }
    lines.push(['  each draw vs its exact curve', `worst relative deviation ${e1(c.simulationError)}`]);
  }
  lines.push([
    'remedy',
    `early-stopped risk ${g3(s.curves[1].best.risk)} against ${g3(s.curves[0].best.risk)}: ${(100 * (1 - s.earlyStoppedRatio)).toFixed(0)}% lower; peak ${s.curves[1].doubleDescent ? 'still there' : 'gone'}`,
  ]);
  return alignedLines(lines);
}

export async function runEpochwiseLinear(
  config: EpochwiseLinearConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<PresetResult> {
  const rows = await epochwiseLinearRows(config, onProgress);
  const summary = summarizeEpochwiseLinear(config, rows);
  return {
    points: rows,
    summary: { ...summary },
    summaryLines: epochwiseLinearSummaryLines(config, summary),
  };
}

export const epochwiseLinearPreset = definePreset<EpochwiseLinearConfig>({
  name: 'epochwise-linear',
  description:
    'epoch-wise double descent of gradient descent on two-scale linear features vs its exact theory, and the per-group step-size remedy',
  schema: epochwiseLinearSchema,
  indexKeys: ['remedy', 'steps'],
  run: (config, context) => runEpochwiseLinear(config, context.onProgress),
  estimateBytes(config) {
    const d = config.fast + config.slow;
    // Design and targets, the iterates at every recorded step, a few d × d matrices, in f64.
    return 8 * (config.n * (d + config.draws) + config.steps.length * d * config.draws + 8 * d * d) + 3e8;
  },
  summarizeRows(config, rows) {
    const summary = summarizeEpochwiseLinear(config, rows);
    return { summary: { ...summary }, summaryLines: epochwiseLinearSummaryLines(config, summary) };
  },
});
