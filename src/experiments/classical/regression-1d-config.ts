// Configuration fields shared by the presets on synthetic 1-D regression data (polynomial-fits,
// polynomial): the target, its noise and the design interval, as zod fields.
import { z } from 'zod';
import { DESIGNS, TARGETS, type Design, type TargetName, type TargetSpec } from '../../data/regression-1d.js';
import { finite, integerAtLeast, listOf, numberIn, oneOf, positiveInteger } from '../common/fields.js';

/** The fields of the 1-D regression data shared by polynomial-fits and polynomial. */
export const regression1dFields = {
  target: oneOf(TARGETS)
    .default('sin')
    .describe(
      'sin (sin 2πx), polynomial (by `coefficients`, c₀ first), fourier (random from the seed, `fourierTerms` harmonics)',
    ),
  // 16x³ − 24x² + 8x: a sine-like cubic on [0, 1] (zeros at 0, ½, 1; ±0.77 at the extrema).
  coefficients: listOf(finite(), 'finite numbers')
    .default([0, 8, -24, 16])
    .describe('the polynomial target c₀ + c₁x + …; used only when target = polynomial'),
  fourierTerms: positiveInteger().default(6).describe('harmonics of the random Fourier target'),
  noise: numberIn(0, Infinity).default(0.2).describe('σ of the Gaussian noise on y'),
  interval: z
    .tuple([finite(), finite()], { error: 'must be [lo, hi]' })
    .refine(([lo, hi]) => lo < hi, { error: 'must be [lo, hi] with lo < hi' })
    .default([0, 1])
    .describe('the design interval: x ~ U[lo, hi]; the Legendre basis maps it onto [−1, 1]'),
  // Stratified, not iid: with iid uniform x the clusters and gaps of 20 points give the Legendre
  // matrix near the threshold a condition number of 10⁸ (median) to 10¹² (90th percentile;
  // measured), so its Gram matrix (κ² ≥ 10¹⁶) is beyond f64: the solver needs jitter, which also
  // perturbs the lower degrees sharing its factor, and its numbers near p + 1 = n are rounding (the
  // exact test losses there reach 10¹⁶–10²⁴ for some seeds, set by extrapolating into the widest
  // gap). One uniform point per cell keeps each x uniform on the interval and κ ≈ 10⁵ (κ² ≈ 10¹¹):
  // accurate up to and at the threshold. `design: 'uniform'` runs the iid design.
  design: oneOf(DESIGNS)
    .default('stratified')
    .describe('training x: stratified (one uniform point per n-th of the interval) or uniform (iid)'),
};

export type Regression1dFields = {
  target: TargetName;
  coefficients: number[];
  fourierTerms: number;
  noise: number;
  interval: [number, number];
  design: Design;
};

/** A polynomial degree: an integer ≥ 0. */
export function degree() {
  return integerAtLeast(0, 'a polynomial degree (an integer ≥ 0)');
}

export function targetSpec(c: Regression1dFields): TargetSpec {
  return { name: c.target, coefficients: c.coefficients, terms: c.fourierTerms };
}
