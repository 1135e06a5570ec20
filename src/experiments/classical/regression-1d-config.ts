// Configuration fields shared by the presets on synthetic 1-D regression data (polynomial-fits,
// polynomial): the target, its noise and the design interval, validated by config-checks.
import { DESIGNS, TARGETS, type Design, type TargetName, type TargetSpec } from '../../data/regression-1d.js';
import { numberIn, oneOf, positiveInteger } from '../common/config-checks.js';

export type Regression1dFields = {
  /** 'sin' (sin 2πx), 'polynomial' (by `coefficients`) or 'fourier' (random, from the seed). */
  target: TargetName;
  /** The polynomial target c₀ + c₁x + …; used only when target = 'polynomial'. */
  coefficients: number[];
  /** Harmonics of the random Fourier target; used only when target = 'fourier'. */
  fourierTerms: number;
  /** Noise standard deviation σ of y = f(x) + ε. */
  noise: number;
  /** The design interval: x ~ U[lo, hi]; the Legendre basis maps it onto [−1, 1]. */
  interval: [number, number];
  /** Training x: 'stratified' (one uniform point per n-th of the interval) or 'uniform' (iid). */
  design: Design;
};

export const REGRESSION_1D_KEYS = [
  'target',
  'coefficients',
  'fourierTerms',
  'noise',
  'interval',
  'design',
] as const;

export const REGRESSION_1D_DEFAULTS: Regression1dFields = {
  target: 'sin',
  // 16x³ − 24x² + 8x: a sine-like cubic on [0, 1] (zeros at 0, ½, 1; ±0.77 at the extrema).
  coefficients: [0, 8, -24, 16],
  fourierTerms: 6,
  noise: 0.2,
  interval: [0, 1],
  // Stratified, not iid: with iid uniform x the clusters and gaps of 20 points give the Legendre
  // matrix near the threshold a condition number of 10⁸ (median) to 10¹² (90th percentile;
  // measured), so its Gram matrix (κ² ≥ 10¹⁶) is beyond f64: the solver needs jitter, which also
  // perturbs the lower degrees sharing its factor, and its numbers near p + 1 = n are rounding (the
  // exact test losses there reach 10¹⁶–10²⁴ for some seeds, set by extrapolating into the widest
  // gap). One uniform point per cell keeps each x uniform on the interval and κ ≈ 10⁵ (κ² ≈ 10¹¹):
  // accurate up to and at the threshold. `design: 'uniform'` runs the iid design.
  design: 'stratified',
};

export function resolveRegression1dFields(c: Regression1dFields): Regression1dFields {
  const coefficients = c.coefficients as unknown;
  if (!Array.isArray(coefficients) || coefficients.length === 0)
    throw new Error(`coefficients must be a non-empty list of numbers, got ${JSON.stringify(coefficients)}`);
  coefficients.forEach((v, i) => finite(`coefficients[${i}]`, v));
  const interval = c.interval as unknown;
  if (!Array.isArray(interval) || interval.length !== 2)
    throw new Error(`interval must be [lo, hi], got ${JSON.stringify(interval)}`);
  const lo = finite('interval[0]', interval[0]);
  const hi = finite('interval[1]', interval[1]);
  if (!(lo < hi)) throw new Error(`interval must be [lo, hi] with lo < hi, got ${JSON.stringify(interval)}`);
  return {
    target: oneOf('target', c.target, TARGETS),
    coefficients: [...(coefficients as number[])],
    fourierTerms: positiveInteger('fourierTerms', c.fourierTerms),
    noise: numberIn('noise', c.noise, 0, Infinity),
    interval: [lo, hi],
    design: oneOf('design', c.design, DESIGNS),
  };
}

export function targetSpec(c: Regression1dFields): TargetSpec {
  return { name: c.target, coefficients: c.coefficients, terms: c.fourierTerms };
}

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${field} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** A polynomial degree: an integer ≥ 0. */
export function degree(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new Error(`${field} must be a polynomial degree (an integer ≥ 0), got ${JSON.stringify(v)}`);
  return v;
}
