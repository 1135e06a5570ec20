// Asymptotic test risk of ridgeless random-features regression (Mei & Montanari 2019,
// arXiv 1908.05355, Theorem 3 — the λ → 0 limit of their Theorem 2, with formula (19)–(21)),
// for ReLU features and a linear target.
//
// Convention, as ddlab's experiments use it (and as checked against Monte Carlo, see
// test/theory.test.ts):
//  - inputs x ~ N(0, I_d) (the paper uses x uniform on the sphere of radius √d: asymptotically the
//    same); target y = ⟨β, x⟩ + ε with ‖β‖² = F1² and noise variance τ²;
//  - N features σ(⟨v_j, x⟩), v_j uniform on the unit sphere, so that ⟨v_j, x⟩ ~ N(0, 1), σ = ReLU.
//    A common factor on every feature (ddlab's sqrt(1/N)) does not change a ridgeless fit;
//  - fit: least squares for N < n, the minimum-norm interpolant for N > n;
//  - "risk" is the excess risk E_x[(f̂(x) − ⟨β, x⟩)²]: the noise τ² of a test label is NOT included
//    (the expected squared error on a noisy test point is risk + τ²);
//  - limit N, n, d → ∞ with ψ1 = N/d and ψ2 = n/d fixed.
//
// The activation enters through ζ = μ1/μ*, with μ1 = E[G σ(G)] and μ*² = E[σ(G)²] − μ0² − μ1² for
// G ~ N(0, 1): for ReLU μ0 = 1/√(2π), μ1 = 1/2, μ*² = 1/4 − 1/(2π).
import { nonNegative, positive } from './parameters.js';

export const RELU_MU1 = 0.5;
export const RELU_MU_STAR_SQUARED = 0.25 - 1 / (2 * Math.PI);
/** ζ = μ1/μ* for ReLU (≈ 1.6512). */
export const RELU_ZETA = RELU_MU1 / Math.sqrt(RELU_MU_STAR_SQUARED);

export interface RandomFeaturesTarget {
  /** F1 = ‖β‖: the norm of the linear target. */
  signal: number;
  /** τ: the noise standard deviation of the training labels. */
  noise: number;
}

export interface RandomFeaturesRisk {
  /** F1²·B + τ²·V. */
  risk: number;
  /** B = E1/E0: the risk per unit F1² (the part from the target). */
  bias: number;
  /** V = E2/E0: the risk per unit τ² (the part from the noise). */
  variance: number;
}

/**
 * Mei–Montanari ridgeless risk at ψ1 = N/d, ψ2 = n/d. With ψ = min(ψ1, ψ2) and
 * χ = −[(ψζ² − ζ² − 1) + sqrt((ψζ² − ζ² − 1)² + 4ψζ²)]/(2ζ²):
 *   E0 = −χ⁵ζ⁶ + 3χ⁴ζ⁴ + (ψ1ψ2 − ψ1 − ψ2 + 1)χ³ζ⁶ − 2χ³ζ⁴ − 3χ³ζ² + (ψ1 + ψ2 − 3ψ1ψ2 + 1)χ²ζ⁴
 *        + 2χ²ζ² + χ² + 3ψ1ψ2χζ² − ψ1ψ2,
 *   E1 = ψ2χ³ζ⁴ − ψ2χ²ζ² + ψ1ψ2χζ² − ψ1ψ2,
 *   E2 = χ⁵ζ⁶ − 3χ⁴ζ⁴ + (ψ1 − 1)χ³ζ⁶ + 2χ³ζ⁴ + 3χ³ζ² − (ψ1 + 1)χ²ζ⁴ − 2χ²ζ² − χ²,
 * and risk = F1²·E1/E0 + τ²·E2/E0. At ψ1 = ψ2 (the interpolation threshold N = n) E0 = 0 and the
 * risk is +Infinity (0 when F1 = τ = 0).
 */
export function randomFeaturesRisk(
  psi1: number,
  psi2: number,
  target: RandomFeaturesTarget,
  zeta: number = RELU_ZETA,
): RandomFeaturesRisk {
  positive('psi1', psi1);
  positive('psi2', psi2);
  positive('zeta', zeta);
  const F1 = nonNegative('signal', target.signal);
  const tau = nonNegative('noise', target.noise);
  const zero = F1 === 0 && tau === 0;
  if (psi1 === psi2) {
    return zero
      ? { risk: 0, bias: Infinity, variance: Infinity }
      : { risk: Infinity, bias: Infinity, variance: Infinity };
  }
  const z2 = zeta * zeta;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const psi = Math.min(psi1, psi2);
  const a = psi * z2 - z2 - 1;
  const chi = -(a + Math.sqrt(a * a + 4 * psi * z2)) / (2 * z2);
  const c2 = chi * chi;
  const c3 = c2 * chi;
  const c4 = c3 * chi;
  const c5 = c4 * chi;
  const pp = psi1 * psi2;
  const e0 =
    -c5 * z6 +
    3 * c4 * z4 +
    (pp - psi1 - psi2 + 1) * c3 * z6 -
    2 * c3 * z4 -
    3 * c3 * z2 +
    (psi1 + psi2 - 3 * pp + 1) * c2 * z4 +
    2 * c2 * z2 +
    c2 +
    3 * pp * chi * z2 -
    pp;
  const e1 = psi2 * c3 * z4 - psi2 * c2 * z2 + pp * chi * z2 - pp;
  const e2 =
    c5 * z6 -
    3 * c4 * z4 +
    (psi1 - 1) * c3 * z6 +
    2 * c3 * z4 +
    3 * c3 * z2 -
    (psi1 + 1) * c2 * z4 -
    2 * c2 * z2 -
    c2;
  const bias = e1 / e0;
  const variance = e2 / e0;
  return { risk: F1 * F1 * bias + tau * tau * variance, bias, variance };
}
