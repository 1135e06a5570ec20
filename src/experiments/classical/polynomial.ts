// Double descent in polynomial regression: train and test loss against the degree p from 0 to well
// past the interpolation threshold p + 1 = n, on n noisy samples of a 1-D target, with the
// bias–variance decomposition over independently drawn training sets. Below the threshold each
// degree is the least-squares fit (the classical U-curve: bias falls, variance rises); at it the
// unique interpolant, whose variance explodes; beyond it the minimum-norm interpolant in the
// (weighted) Legendre basis, whose variance falls again. Isomorphic.
import { z } from 'zod';
import { flag, integer, integerAtLeast, numberIn, positiveInteger } from '../common/fields.js';
import { effectiveRows } from '../common/effective-fold-text.js';
import { definePreset } from '../preset.js';
import { degree, regression1dFields } from './regression-1d-config.js';
import { runPolynomial, type DegreeRef, type PolynomialSummary } from './polynomial-curve.js';
import { alignedLines } from '../common/aligned-lines.js';

export const polynomialSchema = z.strictObject({
  ...regression1dFields,
  n: positiveInteger().default(20).describe('training points; the interpolation threshold is degree n − 1'),
  nTest: positiveInteger().default(500).describe('test points (fresh draws), shared by every fit'),
  maxDegree: degree().default(120).describe('every degree 0 … maxDegree is fitted'),
  // Beyond the threshold the minimum-norm interpolant depends on the basis weights. decay 1 takes
  // the one of least Σ (1 + j)² a_j², a smoothness norm: its fits approach a smooth interpolant
  // (default run: test loss 0.069 at degree 107 against 0.056 at the classical sweet spot). With
  // decay 0 (plain L², every degree alike) the interpolant degenerates into spikes at the samples
  // and the test loss climbs back towards E[y²] ≈ 0.54 (best 0.15 at degree 27). Below the
  // threshold the weights change nothing (same span, same least-squares fit).
  decay: numberIn(0, Infinity)
    .default(1)
    .describe(
      'Legendre feature weights (1 + j)^−decay: which interpolant has minimum norm beyond the threshold',
    ),
  ridge: numberIn(0, Infinity)
    .default(0)
    .describe('ridge λ in ‖y − Fa‖² + λ‖a‖² (0: least squares / minimum norm)'),
  // 100 training sets: ~2–5 s on 2 cores; bias² is resolved down to about variance/R.
  draws: integerAtLeast(0, '0 (no bias–variance decomposition) or an integer ≥ 2')
    .refine((d) => d !== 1, { error: 'must be 0 (no bias–variance decomposition) or an integer ≥ 2' })
    .default(100)
    .describe('training sets drawn for bias² / variance / noise (0: skip)'),
  seed: integer().default(1).describe('one seed for the data, the test set and the draws'),
  effectiveParameters: flag()
    .default(true)
    .describe(
      'also measure effective parameters (Curth et al. 2023): tr S on the training inputs and n/|test|·Σ‖ŝ(x₀)‖² on the test inputs',
    ),
});

export type PolynomialConfig = z.output<typeof polynomialSchema>;

export const polynomialPreset = definePreset<PolynomialConfig>({
  name: 'polynomial',
  description: 'train/test loss and bias–variance against polynomial degree, past the threshold p + 1 = n',
  schema: polynomialSchema,
  indexKeys: ['degree', 'features'],
  async run(config, context) {
    const { points, summary } = await runPolynomial(config, context.onProgress);
    return { points, summary: { ...summary }, summaryLines: polynomialSummaryLines(summary, config) };
  },
});

export function polynomialSummaryLines(s: PolynomialSummary, config: PolynomialConfig): string[] {
  const g = (x: number) => x.toPrecision(4);
  const at = (p: DegreeRef | null, what: string) =>
    p ? `degree ${p.degree}: test loss ${g(p.testLoss)}, train loss ${g(p.trainLoss)}` : `(no ${what})`;
  const t = s.interpolationThreshold;
  const rows: [string, string][] = [
    ['noise floor σ²', g(config.noise ** 2)],
    ['classical sweet spot (p+1 < n)', at(s.classicalSweetSpot, 'degree below the threshold')],
    [
      'interpolation threshold',
      t.testLoss === null
        ? `degree ${t.degree} (not in the sweep)`
        : `p + 1 = n = ${config.n}: ${at(t as DegreeRef, '')}`,
    ],
    ['peak test loss', at(s.peakTestLoss, '')],
    ['best beyond threshold (p+1 > n)', at(s.bestBeyondThreshold, 'degree beyond the threshold')],
  ];
  const b = s.biasVariance;
  if (b) {
    const bvAt = (p: { degree: number; expectedTestLoss: number; bias2: number; variance: number } | null) =>
      p
        ? `degree ${p.degree}: expected test loss ${g(p.expectedTestLoss)} (bias² ${g(p.bias2)}, variance ${g(p.variance)})`
        : '(none)';
    rows.push(
      [`bias–variance over ${b.draws} draws`, ''],
      ['  sweet spot (p+1 < n)', bvAt(b.sweetSpot)],
      ['  variance peak', `degree ${b.peakVariance.degree}: variance ${g(b.peakVariance.variance)}`],
      ['  best beyond threshold', bvAt(b.bestBeyondThreshold)],
      ['  |bias²+var+noise − loss|', `≤ ${b.maxRelativeGap.toExponential(1)} relative`],
    );
  }
  if (s.effective) rows.push(...effectiveRows(s.effective, 'p + 1'));
  return alignedLines(rows);
}

// The curve lives in polynomial-curve.ts (shared with complexity-measures); kept importable from here.
export {
  runPolynomial,
  summarizePolynomial,
  type DegreeRef,
  type PolynomialSummary,
} from './polynomial-curve.js';
