// Closed-form risks of least squares and ridge regression on the isotropic linear model
// (Hastie, Montanari, Rosset & Tibshirani 2019, arXiv 1903.08560, §3 and §5.1 of v4):
//
//   x ~ N(0, I_p),   y = ⟨β, x⟩ + ε,   ε ~ N(0, σ²),   ‖β‖ = r,   n training points,  γ = p/n.
//
// "Risk" throughout is the *excess* test risk E_x[(⟨β̂, x⟩ − ⟨β, x⟩)²] = ‖β̂ − β‖² (x is isotropic):
// the expected squared error on a fresh point minus the irreducible σ². The asymptotic formulas are
// the limits p, n → ∞ with p/n → γ; the finite-n ones are exact expectations over the Gaussian
// design and the noise (for any fixed β with ‖β‖ = r). Ridge uses Hastie et al.'s objective
//
//   (1/n)‖y − Xβ‖² + λ‖β‖²,
//
// i.e. λ = ridge/n for a solver that minimises ‖y − Xβ‖² + ridge·‖β‖² (fitFeatureCurve with scale 1).
import { count, nonNegative, positive } from './parameters.js';

/** The truth: signal norm r = ‖β‖ and noise standard deviation σ. */
export interface LinearTarget {
  r: number;
  sigma: number;
}

function checkTarget({ r, sigma }: LinearTarget): void {
  nonNegative('r', r);
  nonNegative('sigma', sigma);
}

/**
 * Asymptotic excess risk of minimum-norm least squares ("ridgeless"): σ²γ/(1−γ) for γ < 1,
 * r²(1 − 1/γ) + σ²/(γ − 1) for γ > 1, and +Infinity at γ = 1 (0 there when σ = 0, the limit from
 * both sides).
 */
export function ridgelessRisk(gamma: number, target: LinearTarget): number {
  positive('gamma', gamma);
  checkTarget(target);
  const { r, sigma } = target;
  const s2 = sigma * sigma;
  if (gamma < 1) return (s2 * gamma) / (1 - gamma);
  if (gamma > 1) return r * r * (1 - 1 / gamma) + s2 / (gamma - 1);
  return s2 === 0 ? 0 : Infinity;
}

/**
 * The κ of Hastie et al.'s ridge formula: the positive root of κ² − (λ + γ − 1)κ − λ = 0, computed
 * without cancellation (for λ + γ − 1 < 0 through the product of the roots, −λ).
 */
export function ridgeKappa(gamma: number, lambda: number): number {
  const b = lambda + gamma - 1;
  const root = Math.sqrt(b * b + 4 * lambda);
  return b >= 0 ? (b + root) / 2 : (2 * lambda) / (root - b);
}

/**
 * Asymptotic excess risk of ridge regression with penalty λ (objective (1/n)‖y − Xβ‖² + λ‖β‖²):
 * (κ²r² + σ²γ)/((1 + κ)² − γ). λ = 0 is the ridgeless risk.
 */
export function ridgeRisk(gamma: number, lambda: number, target: LinearTarget): number {
  positive('gamma', gamma);
  nonNegative('lambda', lambda);
  checkTarget(target);
  if (lambda === 0) return ridgelessRisk(gamma, target);
  const { r, sigma } = target;
  const kappa = ridgeKappa(gamma, lambda);
  return (kappa * kappa * r * r + sigma * sigma * gamma) / ((1 + kappa) ** 2 - gamma);
}

/** The optimal ridge penalty λ* = σ²γ/r² (the Bayes estimator for an isotropic prior on β). */
export function optimalRidgeLambda(gamma: number, target: LinearTarget): number {
  positive('gamma', gamma);
  checkTarget(target);
  const { r, sigma } = target;
  if (r === 0) return Infinity;
  return (sigma * sigma * gamma) / (r * r);
}

/** Asymptotic excess risk of ridge with λ = λ*(γ): a smooth curve without a peak at γ = 1. */
export function optimalRidgeRisk(gamma: number, target: LinearTarget): number {
  const lambda = optimalRidgeLambda(gamma, target);
  if (lambda === Infinity) return 0; // r = 0: β̂ → 0 = β
  return ridgeRisk(gamma, lambda, target);
}

/**
 * Exact expected excess risk of minimum-norm least squares at finite p and n with a Gaussian design
 * x ~ N(0, I_p): σ²p/(n − p − 1) for p < n − 1 and r²(1 − n/p) + σ²n/(p − n − 1) for p > n + 1;
 * +Infinity for n − 1 ≤ p ≤ n + 1 where the variance's expectation diverges (with σ = 0 the
 * bias alone: 0 for p ≤ n, r²(1 − n/p) above).
 */
export function finiteRidgelessRisk(p: number, n: number, target: LinearTarget): number {
  count('p', p);
  count('n', n);
  checkTarget(target);
  const { r, sigma } = target;
  const s2 = sigma * sigma;
  const bias = p > n ? r * r * (1 - n / p) : 0;
  if (p < n - 1) return (s2 * p) / (n - p - 1);
  if (p > n + 1) return bias + (s2 * n) / (p - n - 1);
  return s2 === 0 ? bias : Infinity;
}
