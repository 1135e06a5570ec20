// The closed-form curves as rows (one per grid point), for the `ddlab theory` command, overlays and
// the web lab. Values may be +Infinity at the interpolation threshold.
import { gradientFlowRisk } from './gradient-flow.js';
import {
  finiteRidgelessRisk,
  optimalRidgeLambda,
  ridgeRisk,
  ridgelessRisk,
  type LinearTarget,
} from './isotropic-least-squares.js';
import { randomFeaturesRisk, type RandomFeaturesTarget } from './random-features-relu.js';

export type CurveRow = Record<string, number>;

/** `count` log-spaced values from start to stop (both > 0), endpoints included. */
export function logSpace(start: number, stop: number, count: number): number[] {
  if (!(start > 0 && stop >= start && Number.isFinite(stop))) {
    throw new Error(`a log-spaced range needs 0 < start ≤ stop, got ${start}:${stop}`);
  }
  if (!(Number.isInteger(count) && count >= 1))
    throw new Error(`count must be a positive integer, got ${count}`);
  if (count === 1) return [start];
  // In log10, so that decades land exactly (1 in 0.1:10:41 is 1, not 1.0000000000000002).
  const [a, b] = [Math.log10(start), Math.log10(stop)];
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? start : i === count - 1 ? stop : Math.pow(10, a + ((b - a) * i) / (count - 1)),
  );
}

/**
 * Ridgeless least squares on the isotropic model: { gamma, risk } per γ; with `n`, also the exact
 * finite-n Gaussian-design expectation at p = round(γn) as { p, riskFinite }.
 */
export function hastieCurve(o: { gammas: readonly number[]; target: LinearTarget; n?: number }): CurveRow[] {
  return o.gammas.map((gamma) => {
    const row: CurveRow = { gamma, risk: ridgelessRisk(gamma, o.target) };
    if (o.n !== undefined) {
      const p = Math.round(gamma * o.n);
      if (p < 1) throw new Error(`gamma = ${gamma} with n = ${o.n} gives p = ${p}; need p ≥ 1`);
      row.p = p;
      row.riskFinite = finiteRidgelessRisk(p, o.n, o.target);
    }
    return row;
  });
}

export type RidgeChoice = number | 'optimal';

/** Ridge on the isotropic model: { gamma, lambda, optimal (1 for λ = λ*(γ)), risk } per (λ, γ). */
export function ridgeCurve(o: {
  gammas: readonly number[];
  lambdas: readonly RidgeChoice[];
  target: LinearTarget;
}): CurveRow[] {
  return o.lambdas.flatMap((choice) =>
    o.gammas.map((gamma) => {
      const lambda = choice === 'optimal' ? optimalRidgeLambda(gamma, o.target) : choice;
      const risk = lambda === Infinity ? 0 : ridgeRisk(gamma, lambda, o.target);
      return { gamma, lambda, optimal: choice === 'optimal' ? 1 : 0, risk };
    }),
  );
}

/**
 * Mei–Montanari ridgeless random ReLU features: { psi1, psi2, risk, bias, variance } per ψ1, where
 * bias = F1²·E1/E0 and variance = τ²·E2/E0 add up to the risk.
 */
export function reluFeaturesCurve(o: {
  psi1s: readonly number[];
  psi2: number;
  target: RandomFeaturesTarget;
}): CurveRow[] {
  const { signal, noise } = o.target;
  return o.psi1s.map((psi1) => {
    const r = randomFeaturesRisk(psi1, o.psi2, o.target);
    return {
      psi1,
      psi2: o.psi2,
      risk: r.risk,
      bias: signal === 0 ? 0 : signal * signal * r.bias,
      variance: noise === 0 ? 0 : noise * noise * r.variance,
    };
  });
}

/** Gradient flow on the isotropic model: { gamma, time, risk } per (γ, t). */
export function gradientFlowCurve(o: {
  gammas: readonly number[];
  times: readonly number[];
  target: LinearTarget;
}): CurveRow[] {
  return o.gammas.flatMap((gamma) =>
    o.times.map((time) => ({ gamma, time, risk: gradientFlowRisk(gamma, time, o.target) })),
  );
}
