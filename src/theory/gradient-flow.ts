// Test risk of gradient flow on linear least squares from zero initialisation, as a function of
// training time (Advani & Saxe 2017, arXiv 1710.03667, §3; Hastie et al. 2019 for the isotropic
// model): the epoch-wise picture.
//
// Model: x ~ N(0, I_p), y = ⟨β, x⟩ + ε, ε ~ N(0, σ²), ‖β‖ = r, n training points, γ = p/n.
// Loss L(w) = (1/2n)‖y − Xw‖², flow dw/dt = −∇L(w) = (1/n)Xᵀ(y − Xw), w(0) = 0. (Gradient descent
// with step η after k steps is close to t = kη.) Along an eigenvector u of Σ̂ = XᵀX/n with
// eigenvalue s > 0 the flow moves towards the least-squares solution as 1 − e^{−st}; directions with
// s = 0 never move. "Risk" is the excess test risk ‖w(t) − β‖² (the test MSE minus σ²):
//
//   E risk(t) = Σ_i [ (r²/p) e^{−2 s_i t} + σ² (1 − e^{−s_i t})² / (n s_i) ]   (s_i = 0: r²/p),
//
// averaged over β of norm r in a uniformly random direction and over the noise. As n, p → ∞ the
// spectrum of Σ̂ follows the Marchenko–Pastur law with ratio γ, and
//
//   risk(t) = r² ∫ e^{−2st} dμ_γ(s) + σ² γ ∫ (1 − e^{−st})²/s dμ_γ(s),
//
// whose t → ∞ limit is the ridgeless risk of isotropic-least-squares.ts.
import { type Matrix } from '../engine/matrix.js';
import { ridgelessRisk, type LinearTarget } from './isotropic-least-squares.js';
import { nonNegative, positive, time } from './parameters.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** (1 − e^{−st})/s, → t as s → 0; = 1/s at t = ∞. */
function flowGain(s: number, t: number): number {
  if (t === Infinity) return 1 / s;
  const st = s * t;
  return st < 1e-8 ? t * (1 - st / 2) : -Math.expm1(-st) / s;
}

/**
 * Asymptotic (Marchenko–Pastur) excess risk of gradient flow at time t ≥ 0 (t = Infinity gives the
 * ridgeless risk). The integral over the MP density is taken in the angle θ with
 * s = 1 + γ + 2√γ cos θ, where it is smooth and periodic, by the trapezoid rule (exponentially
 * convergent) with enough nodes to resolve e^{−st} near the lower edge (∝ √t).
 */
export function gradientFlowRisk(gamma: number, t: number, target: LinearTarget): number {
  positive('gamma', gamma);
  time('t', t);
  nonNegative('r', target.r);
  nonNegative('sigma', target.sigma);
  if (t === Infinity) return ridgelessRisk(gamma, target);
  const r2 = target.r ** 2;
  const s2 = target.sigma ** 2;
  const sqrtG = Math.sqrt(gamma);
  const upper = (1 + sqrtG) ** 2;
  const lower = (1 - sqrtG) ** 2;
  // Once e^{−s t} is below 1e-17 on the whole continuous spectrum, the flow has converged.
  if (lower * t > 40) return ridgelessRisk(gamma, target);
  // Nodes: enough to resolve e^{−st} near the lower edge (∝ √t) and the edge itself when γ ≈ 1.
  // (At γ = 1 exactly the integrand is smooth at the edge: no extra nodes needed there.)
  const edge = lower === 0 ? 0 : 64 / Math.abs(1 - sqrtG);
  const nodes = Math.min(1 << 21, 256 + Math.ceil(16 * Math.PI * Math.sqrt(t * upper) + edge));
  // ∫ f(s) dμ_cont(s) = (2/π) ∫_0^π f(s(θ)) w(θ) dθ with w = sin²θ / s(θ), by the trapezoid rule at
  // θ_k = kπ/m (w(0) = 0; w(π) = 0 unless γ = 1, where w = sin²(θ/2) → 1).
  let bias = 0;
  let variance = 0;
  for (let k = 1; k <= nodes; k++) {
    const half = (k * Math.PI) / nodes / 2;
    const sh2 = Math.sin(half) ** 2;
    const ch2 = Math.cos(half) ** 2;
    // s = 1 + γ + 2√γ cos θ, written without cancellation near the lower edge (γ ≈ 1, θ ≈ π).
    const s = lower + 4 * sqrtG * ch2;
    const w = (lower === 0 ? sh2 / sqrtG : (4 * sh2 * ch2) / s) * (k === nodes ? 0.5 : 1);
    bias += w * Math.exp(-2 * s * t);
    if (s > 0) {
      const g = flowGain(s, t);
      variance += w * s * g * g; // (1 − e^{−st})²/s = s·g²
    }
  }
  bias *= 2 / nodes;
  variance *= 2 / nodes;
  const atom = gamma > 1 ? 1 - 1 / gamma : 0; // Σ̂ has p − n zero eigenvalues: mass 1 − 1/γ at 0
  return r2 * (bias + atom) + s2 * gamma * variance;
}

/** The spectrum of Σ̂ = XᵀX/n of a design X (n × p), for the finite-design curves. */
export interface DesignSpectrum {
  n: number;
  p: number;
  /** Eigenvalues of XᵀX/n, decreasing; those at rounding level are set to exactly 0. */
  values: Float64Array;
  /** Orthonormal eigenvectors, the columns of a p × p matrix. */
  vectors: Matrix;
}

/** Eigendecomposition of XᵀX/n (Jacobi; p up to a few hundred). */
export function designSpectrum(x: Matrix): DesignSpectrum {
  const { rows: n, cols: p } = x;
  const g = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const row = x.data.subarray(i * p, (i + 1) * p);
    for (let a = 0; a < p; a++) {
      const xa = row[a] / n;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) g[a * p + b] += xa * row[b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) g[a * p + b] = g[b * p + a];
  const { values, vectors } = symmetricEigen({ rows: p, cols: p, data: g });
  // Σ̂ has rank ≤ min(n, p); eigenvalues below rounding of the largest are exact zeros.
  const cutoff = values[0] * Math.max(n, p) * Number.EPSILON * 8;
  for (let i = 0; i < p; i++) if (values[i] <= cutoff) values[i] = 0;
  return { n, p, values, vectors };
}

/**
 * Exact excess risk ‖w(t) − β‖² of gradient flow from w(0) = 0 on one given problem (design x,
 * n × p; targets y, length n; truth β, length p), at each time in `times` (Infinity allowed: the
 * minimum-norm least-squares solution).
 */
export function gradientFlowRiskForProblem(
  x: Matrix,
  y: Float64Array,
  beta: Float64Array,
  times: readonly number[],
  spectrum: DesignSpectrum = designSpectrum(x),
): Float64Array {
  const { n, p, values, vectors } = spectrum;
  if (x.rows !== n || x.cols !== p) throw new Error(`spectrum is for ${n}×${p}, x is ${x.rows}×${x.cols}`);
  if (y.length !== n) throw new Error(`y has ${y.length} values, x has ${n} rows`);
  if (beta.length !== p) throw new Error(`beta has ${beta.length} values, x has ${p} columns`);
  times.forEach((t, i) => time(`times[${i}]`, t));
  // g = Xᵀy/n; in the eigenbasis c_i = u_iᵀ g and b_i = u_iᵀ β.
  const gv = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const yi = y[i] / n;
    for (let a = 0; a < p; a++) gv[a] += x.data[i * p + a] * yi;
  }
  const c = new Float64Array(p);
  const b = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const ga = gv[a];
    const ba = beta[a];
    for (let k = 0; k < p; k++) {
      const u = vectors.data[a * p + k];
      c[k] += u * ga;
      b[k] += u * ba;
    }
  }
  return Float64Array.from(times, (t) => {
    let risk = 0;
    for (let k = 0; k < p; k++) {
      // w_k(t) = (1 − e^{−s t}) c_k / s; in the null space of X, w_k stays 0.
      const wk = values[k] > 0 ? flowGain(values[k], t) * c[k] : 0;
      risk += (wk - b[k]) ** 2;
    }
    return risk;
  });
}

/**
 * Exact expected excess risk of gradient flow for a given design x (n × p), averaged over β with
 * ‖β‖ = r in a uniformly random direction and over N(0, σ²) noise, at each time in `times`.
 */
export function gradientFlowRiskForDesign(
  x: Matrix,
  times: readonly number[],
  target: LinearTarget,
  spectrum: DesignSpectrum = designSpectrum(x),
): Float64Array {
  nonNegative('r', target.r);
  nonNegative('sigma', target.sigma);
  times.forEach((t, i) => time(`times[${i}]`, t));
  const { n, p, values } = spectrum;
  if (x.rows !== n || x.cols !== p) throw new Error(`spectrum is for ${n}×${p}, x is ${x.rows}×${x.cols}`);
  const r2p = target.r ** 2 / p;
  const s2n = target.sigma ** 2 / n;
  return Float64Array.from(times, (t) => {
    let risk = 0;
    for (let k = 0; k < p; k++) {
      const s = values[k];
      if (s === 0) {
        risk += r2p;
        continue;
      }
      const decay = t === Infinity ? 0 : Math.exp(-s * t);
      const g = flowGain(s, t);
      risk += r2p * decay * decay + s2n * s * g * g;
    }
    return risk;
  });
}
