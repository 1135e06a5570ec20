// The polynomial family of degree p: p + 1 features, the Legendre polynomials P_0 … P_p of the
// input mapped from the design interval [lo, hi] onto [−1, 1], as a nested FeatureMap — the model of
// degree p uses the first p + 1 — so it is fitted by the shared whole-curve solver
// (src/fit/feature-curve.ts): least squares for p + 1 < n, the minimum-norm interpolant for p + 1 ≥ n,
// ridge if asked.
//
// Why Legendre and not monomials: the Legendre polynomials are orthogonal under the uniform measure
// on [−1, 1], so for x drawn uniformly the Gram matrix FᵀF/n tends to the identity (condition 1.4
// at degree 20 over 5000 points; the monomials': 7·10¹⁷), and the feature matrix of n = 20 points
// spread over the interval has κ ≈ 6·10⁴ at degree 19, where the monomials' Vandermonde matrix has
// κ ≈ 5·10¹⁶ (medians, measured) — beyond f64, so its fits would be rounding noise long before the
// interpolation threshold. Both span the same polynomials, so the least-squares fits (p + 1 ≤ n)
// are the same functions; the basis only decides which interpolant is the minimum-norm one beyond
// the threshold.
//
// Normalisation: feature j is w_j·√(2j + 1)·P_j(t). The √(2j + 1) makes the features orthonormal
// under the uniform measure, E[φ_j φ_k] = δ_jk, so the coefficient norm ‖a‖ is the L² norm of the
// fitted function over the interval and every degree is penalised alike by the minimum-norm
// solution; decay s ≥ 0 adds weights w_j = (1 + j)^(−s), making the minimum-norm interpolant the
// one of smallest Σ (1 + j)^{2s} a_j² — a Sobolev-type smoothness norm (s = 0: plain L²).
// scale(N) = 1: a feature's value must not depend on how many others the model has, or the
// polynomial of degree p would change meaning along the sweep (ridge λ is then a penalty on that
// same norm at every degree).
import type { Matrix } from '../engine/matrix.js';
import type { FeatureMap } from './feature-map.js';

export interface PolynomialOptions {
  /** Largest degree p of the sweep (features p + 1). */
  maxDegree: number;
  /** The interval mapped onto [−1, 1]: the design interval of x (default [0, 1]). */
  interval?: readonly [number, number];
  /** Feature weights (1 + j)^(−decay) (default 0: orthonormal Legendre). */
  decay?: number;
}

/** FeatureMap.kind of this family. */
export const POLYNOMIAL_KIND = 'legendre' as const;

/** Features of the polynomial of degree p. */
export const featuresOfDegree = (p: number): number => p + 1;

export function polynomialFeatures(options: PolynomialOptions): FeatureMap {
  const { maxDegree } = options;
  const decay = options.decay ?? 0;
  const interval = options.interval ?? [0, 1];
  if (!(typeof maxDegree === 'number' && Number.isSafeInteger(maxDegree) && maxDegree >= 0)) {
    throw new Error(`polynomial degree must be an integer ≥ 0, got ${maxDegree}`);
  }
  if (!(typeof decay === 'number' && Number.isFinite(decay) && decay >= 0))
    throw new Error(`decay must be a finite number ≥ 0, got ${decay}`);
  const [lo, hi] = interval;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
    throw new Error(`interval must be [lo, hi] with finite lo < hi, got ${JSON.stringify(interval)}`);
  const maxFeatures = featuresOfDegree(maxDegree);
  const weight = new Float64Array(maxFeatures);
  for (let j = 0; j < maxFeatures; j++) weight[j] = Math.sqrt(2 * j + 1) * Math.pow(1 + j, -decay);
  const toUnit = (x: number) => (2 * (x - lo)) / (hi - lo) - 1;

  return {
    kind: POLYNOMIAL_KIND,
    inputDim: 1,
    maxFeatures,
    async block(x: Matrix, j0: number, j1: number): Promise<Matrix> {
      if (x.cols !== 1) throw new Error(`polynomial features expect 1 input column, got ${x.cols}`);
      if (!(Number.isInteger(j0) && Number.isInteger(j1) && 0 <= j0 && j0 < j1 && j1 <= maxFeatures)) {
        throw new Error(`feature block [${j0}, ${j1}) is outside [0, ${maxFeatures})`);
      }
      const w = j1 - j0;
      const out = new Float64Array(x.rows * w);
      for (let i = 0; i < x.rows; i++) {
        // Bonnet's recurrence (k + 1) P_{k+1} = (2k + 1) t P_k − k P_{k−1}: stable for |t| ≤ 1.
        const t = toUnit(x.data[i]);
        let prev = 0;
        let cur = 1;
        for (let k = 0; k < j1; k++) {
          if (k >= j0) out[i * w + k - j0] = weight[k] * cur;
          const next = ((2 * k + 1) * t * cur - k * prev) / (k + 1);
          prev = cur;
          cur = next;
        }
      }
      return { rows: x.rows, cols: w, data: out };
    },
    scale: () => 1,
    parameters(j: number) {
      if (!(Number.isInteger(j) && j >= 0 && j < maxFeatures)) throw new Error(`no feature ${j}`);
      // v: the coefficients of feature j in powers of t = 2(x − lo)/(hi − lo) − 1, constant first.
      return { v: legendreCoefficients(j).map((c) => c * weight[j]), b: 0 };
    },
    describe: () => ({ kind: POLYNOMIAL_KIND, maxDegree, lo, hi, decay }),
  };
}

/** Coefficients of P_j in powers of t (constant first), by the same recurrence (for checks). */
export function legendreCoefficients(j: number): Float64Array {
  let prev = new Float64Array(j + 1);
  let cur = new Float64Array(j + 1);
  cur[0] = 1;
  for (let k = 0; k < j; k++) {
    const next = new Float64Array(j + 1);
    for (let d = 0; d <= k; d++) next[d + 1] += ((2 * k + 1) * cur[d]) / (k + 1);
    for (let d = 0; d <= k; d++) next[d] -= (k * prev[d]) / (k + 1);
    prev = cur;
    cur = next;
  }
  return cur;
}
