// Exact test risk of discrete gradient descent on linear least squares, for a given design, after
// k steps: the epoch-wise curve of gradient-flow.ts with the flow's e^{−ηs t} replaced by the
// step's (1 − ηs)^k, and with a step size per coordinate (Heckel & Yilmaz 2020, arXiv 2007.10099:
// a larger step for the slow features removes the epoch-wise peak) and an anisotropic test
// distribution (features of two scales, Pezeshki et al. 2022).
//
// Loss L(w) = (1/2n)‖y − Xw‖², design X (n × p). Gradient descent with step sizes η_j per
// coordinate, P = diag(η):   w_{k+1} = w_k − P ∇L(w_k) = w_k + P Xᵀ(y − Xw_k)/n,   w_0 = 0.
//
// Derivation. Write w = P^{1/2} v. Then v_{k+1} = v_k + X̃ᵀ(y − X̃v_k)/n with X̃ = X P^{1/2}: plain
// gradient descent with step 1 on the design X̃. Let H = X̃ᵀX̃/n = U Λ Uᵀ and c = Uᵀ X̃ᵀy/n. In the
// eigenbasis every coordinate evolves on its own: (Uᵀv)_{k+1} = (1 − Λ)(Uᵀv)_k + c, so from 0
//
//   (Uᵀv_k)_i = g_k(λ_i) c_i,   g_k(λ) = Σ_{j<k} (1 − λ)^j = (1 − (1 − λ)^k)/λ   (g_k(0) = k),
//
// and the gradient has no component along λ_i = 0 (c_i = 0 there), so those coordinates stay 0.
// For 0 < λ_i < 2 the iterates converge to the minimum-P^{-1}-norm least-squares solution; λ_i ≥ 2
// diverges. With η constant, g_k(λ) → (1 − e^{−λk})/λ as η → 0 at fixed ηk: gradient flow.
//
// The truth is y = Xβ + ε, ε ~ N(0, σ² I), and the test inputs have covariance C (diagonal here), so
// the excess test risk is (w − β)ᵀ C (w − β). With β̃ = P^{-1/2}β, b = Uᵀβ̃ and M = Uᵀ P^{1/2} C P^{1/2} U:
//
//   a_k = Uᵀ(v_k − β̃),  (a_k)_i = g_k(λ_i) c_i − b_i,   risk_k = a_kᵀ M a_k.
//
// Without noise c = Λ b, so (a_k)_i = −(1 − λ_i)^k b_i (λ_i = 0: −b_i). Averaged over the noise
// (cov(c) = σ²Λ/n) and over β with E ββᵀ = B (diagonal, Q = Uᵀ P^{-1/2} B P^{-1/2} U):
//
//   E risk_k = Σ_{i,j} D_i M_ij D_j Q_ji  +  (σ²/n) Σ_i M_ii λ_i g_k(λ_i)²,   D_i = (1 − λ_i)^k.
//
// With P = ηI, C = I and B = (r²/p) I this is gradientFlowRiskForDesign with e^{−st} → (1 − ηs)^k.
import { type Matrix } from '../engine/matrix.js';
import { type LinearTarget } from './isotropic-least-squares.js';
import { nonNegative } from './parameters.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** The setting of gradient descent on one design: step sizes and the test covariance. */
export interface GradientDescentSetting {
  /** The design X, n × p. */
  x: Matrix;
  /** The step size η, or one per coordinate (length p), each > 0. */
  stepSizes: number | Float64Array;
  /** The diagonal of the test inputs' covariance (length p); absent: the identity. */
  testCovariance?: Float64Array;
}

/** The spectrum of H = P^{1/2} (XᵀX/n) P^{1/2} and what the risks need, computed once per setting. */
export interface GradientDescentSpectrum {
  n: number;
  p: number;
  /** Eigenvalues of H (decreasing): the per-step contraction factors are 1 − λ_i. */
  values: Float64Array;
  /** Orthonormal eigenvectors of H, the columns of a p × p matrix. */
  vectors: Matrix;
  /** √η_j per coordinate. */
  sqrtSteps: Float64Array;
  /** M = Uᵀ P^{1/2} C P^{1/2} U, p × p. */
  riskMatrix: Float64Array;
}

/** One value per coordinate (a number is repeated), each finite and > 0 (or ≥ 0 with `zero`). */
function perCoordinate(name: string, v: number | Float64Array, p: number, zero = false): Float64Array {
  const out = typeof v === 'number' ? new Float64Array(p).fill(v) : Float64Array.from(v);
  if (out.length !== p) throw new Error(`${name} has ${out.length} values, the design has ${p} columns`);
  out.forEach((value, j) => {
    if (!(Number.isFinite(value) && (value > 0 || (zero && value === 0)))) {
      throw new Error(`${name}[${j}] must be a finite number ${zero ? '≥' : '>'} 0, got ${value}`);
    }
  });
  return out;
}

/**
 * The eigendecomposition behind gradientDescentRiskForProblem / ForDesign (Jacobi, p up to a few
 * hundred). The risks throw when a step is unstable (some λ_i ≥ 2: gradient descent diverges).
 */
export function gradientDescentSpectrum(setting: GradientDescentSetting): GradientDescentSpectrum {
  const { x } = setting;
  const { rows: n, cols: p } = x;
  const steps = perCoordinate('stepSizes', setting.stepSizes, p);
  const cov = setting.testCovariance
    ? perCoordinate('testCovariance', setting.testCovariance, p, true)
    : new Float64Array(p).fill(1);
  const sqrtSteps = steps.map(Math.sqrt);
  const h = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const row = x.data.subarray(i * p, (i + 1) * p);
    for (let a = 0; a < p; a++) {
      const xa = (row[a] * sqrtSteps[a]) / n;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) h[a * p + b] += xa * row[b] * sqrtSteps[b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[a * p + b] = h[b * p + a];
  const { values, vectors } = symmetricEigen({ rows: p, cols: p, data: h });
  // H has rank ≤ min(n, p); eigenvalues below rounding of the largest are exact zeros.
  const cutoff = values[0] * Math.max(n, p) * Number.EPSILON * 8;
  for (let i = 0; i < p; i++) if (values[i] <= cutoff) values[i] = 0;
  // M = Uᵀ diag(η_j C_j) U.
  const m = new Float64Array(p * p);
  const u = vectors.data;
  for (let a = 0; a < p; a++) {
    const weight = steps[a] * cov[a];
    for (let i = 0; i < p; i++) {
      const ui = u[a * p + i] * weight;
      if (ui === 0) continue;
      for (let j = i; j < p; j++) m[i * p + j] += ui * u[a * p + j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) m[i * p + j] = m[j * p + i];
  return { n, p, values, vectors, sqrtSteps, riskMatrix: m };
}

/**
 * The spectrum for all step sizes multiplied by `factor` > 0: the eigenvalues and M scale by it, the
 * eigenvectors stay (so one eigendecomposition serves every global step size).
 */
export function scaledSpectrum(spectrum: GradientDescentSpectrum, factor: number): GradientDescentSpectrum {
  if (!(Number.isFinite(factor) && factor > 0))
    throw new Error(`factor must be a finite number > 0, got ${factor}`);
  const root = Math.sqrt(factor);
  return {
    ...spectrum,
    values: spectrum.values.map((v) => v * factor),
    sqrtSteps: spectrum.sqrtSteps.map((v) => v * root),
    riskMatrix: spectrum.riskMatrix.map((v) => v * factor),
  };
}

/** Throws unless every λ_i < 2 (else gradient descent diverges along u_i). */
function checkStable(s: GradientDescentSpectrum): void {
  if (s.values[0] >= 2) {
    throw new Error(
      `gradient descent diverges: the largest eigenvalue of P^{1/2}(XᵀX/n)P^{1/2} is ${s.values[0].toPrecision(4)} ≥ 2; lower the step size`,
    );
  }
}

/** g_k(λ) = (1 − (1 − λ)^k)/λ: the gain of k steps along an eigenvalue λ (k at λ = 0; 1/λ at k = ∞). */
export function stepGain(lambda: number, k: number): number {
  if (lambda === 0) return k;
  if (k === Infinity) return 1 / lambda;
  // (1 − λ)^k = e^{k log(1 − λ)}, without cancellation for small λ.
  if (lambda < 1) return -Math.expm1(k * Math.log1p(-lambda)) / lambda;
  return (1 - (1 - lambda) ** k) / lambda;
}

/** (1 − λ)^k, the fraction of the initial error left along λ after k steps (0 at k = ∞ unless λ = 0). */
export function stepDecay(lambda: number, k: number): number {
  if (lambda === 0) return 1;
  if (k === Infinity) return 0;
  return lambda < 1 ? Math.exp(k * Math.log1p(-lambda)) : (1 - lambda) ** k;
}

function checkIterations(iterations: readonly number[]): void {
  iterations.forEach((k, i) => {
    if (!(k === Infinity || (Number.isSafeInteger(k) && k >= 0))) {
      throw new Error(`iterations[${i}] must be an integer ≥ 0 or Infinity, got ${k}`);
    }
  });
}

function checkSpectrum(setting: GradientDescentSetting, s: GradientDescentSpectrum): void {
  const { x } = setting;
  if (x.rows !== s.n || x.cols !== s.p) {
    throw new Error(`spectrum is for ${s.n}×${s.p}, x is ${x.rows}×${x.cols}`);
  }
  checkStable(s);
}

/** aᵀ M a for a p-vector a. */
function quadratic(m: Float64Array, a: Float64Array): number {
  const p = a.length;
  let sum = 0;
  for (let i = 0; i < p; i++) {
    const ai = a[i];
    if (ai === 0) continue;
    let row = 0;
    for (let j = 0; j < p; j++) row += m[i * p + j] * a[j];
    sum += ai * row;
  }
  return sum;
}

/**
 * Exact excess test risk (w_k − β)ᵀ C (w_k − β) of gradient descent from w = 0 on one problem
 * (targets y, truth β), after each number of steps in `iterations` (Infinity: the limit).
 */
export function gradientDescentRiskForProblem(
  setting: GradientDescentSetting,
  y: Float64Array,
  beta: Float64Array,
  iterations: readonly number[],
  spectrum: GradientDescentSpectrum = gradientDescentSpectrum(setting),
): Float64Array {
  checkSpectrum(setting, spectrum);
  checkIterations(iterations);
  const { n, p, values, vectors, sqrtSteps, riskMatrix } = spectrum;
  const { x } = setting;
  if (y.length !== n) throw new Error(`y has ${y.length} values, x has ${n} rows`);
  if (beta.length !== p) throw new Error(`beta has ${beta.length} values, x has ${p} columns`);
  // g̃ = P^{1/2} Xᵀy/n and β̃ = P^{-1/2} β, then into the eigenbasis.
  const gt = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const yi = y[i] / n;
    for (let a = 0; a < p; a++) gt[a] += x.data[i * p + a] * yi;
  }
  const c = new Float64Array(p);
  const b = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const ga = gt[a] * sqrtSteps[a];
    const ba = beta[a] / sqrtSteps[a];
    for (let k = 0; k < p; k++) {
      const u = vectors.data[a * p + k];
      c[k] += u * ga;
      b[k] += u * ba;
    }
  }
  const err = new Float64Array(p);
  return Float64Array.from(iterations, (k) => {
    for (let i = 0; i < p; i++) err[i] = (values[i] > 0 ? stepGain(values[i], k) * c[i] : 0) - b[i];
    return quadratic(riskMatrix, err);
  });
}

/** The truth averaged over in gradientDescentRiskForDesign: E ββᵀ = diag(betaVariance), noise σ. */
export interface RandomLinearTarget {
  /** E β_j² per coordinate (β_j independent, mean 0), or one value for all. */
  betaVariance: number | Float64Array;
  sigma: number;
}

/** The isotropic truth of gradient-flow.ts: ‖β‖ = r in a uniformly random direction (E ββᵀ = r²/p I). */
export function isotropicTarget(target: LinearTarget, p: number): RandomLinearTarget {
  return { betaVariance: target.r ** 2 / p, sigma: target.sigma };
}

/**
 * Exact expected excess test risk of gradient descent from w = 0 for a given design, averaged over
 * the noise and over β with E ββᵀ = diag(betaVariance), after each number of steps in `iterations`.
 */
export function gradientDescentRiskForDesign(
  setting: GradientDescentSetting,
  iterations: readonly number[],
  target: RandomLinearTarget,
  spectrum: GradientDescentSpectrum = gradientDescentSpectrum(setting),
): Float64Array {
  checkSpectrum(setting, spectrum);
  checkIterations(iterations);
  nonNegative('sigma', target.sigma);
  const { n, p, values, vectors, sqrtSteps, riskMatrix } = spectrum;
  const bVar =
    typeof target.betaVariance === 'number'
      ? new Float64Array(p).fill(target.betaVariance)
      : Float64Array.from(target.betaVariance);
  if (bVar.length !== p) throw new Error(`betaVariance has ${bVar.length} values, x has ${p} columns`);
  bVar.forEach((v, j) => nonNegative(`betaVariance[${j}]`, v));
  // Q = Uᵀ diag(B_j/η_j) U.
  const q = new Float64Array(p * p);
  const u = vectors.data;
  for (let a = 0; a < p; a++) {
    const weight = bVar[a] / sqrtSteps[a] ** 2;
    if (weight === 0) continue;
    for (let i = 0; i < p; i++) {
      const ui = u[a * p + i] * weight;
      for (let j = 0; j < p; j++) q[i * p + j] += ui * u[a * p + j];
    }
  }
  // Σ_ij D_i M_ij D_j Q_ji = Σ_ij (M ∘ Q)_ij D_i D_j (both symmetric).
  const mq = riskMatrix.map((v, i) => v * q[i]);
  const s2n = target.sigma ** 2 / n;
  const d = new Float64Array(p);
  return Float64Array.from(iterations, (k) => {
    for (let i = 0; i < p; i++) d[i] = stepDecay(values[i], k);
    let risk = quadratic(mq, d);
    for (let i = 0; i < p; i++) {
      if (values[i] === 0) continue;
      const g = stepGain(values[i], k);
      risk += s2n * riskMatrix[i * p + i] * values[i] * g * g;
    }
    return risk;
  });
}
