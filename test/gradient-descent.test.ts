// The exact risk of discrete gradient descent on linear least squares (src/theory/gradient-descent.ts)
// against direct simulation, the ONNX stepper (src/fit/linear-gradient-descent.ts) against a plain
// loop, and the expectation over teachers and noise against its definition.
import { describe, expect, it } from 'vitest';
import { linearGaussian } from '../src/data/linear-gaussian.js';
import { matrix, type Matrix } from '../src/engine/matrix.js';
import { Rng } from '../src/engine/random.js';
import { linearGradientDescent } from '../src/fit/linear-gradient-descent.js';
import { gradientFlowRiskForDesign } from '../src/theory/gradient-flow.js';
import {
  gradientDescentRiskForDesign,
  gradientDescentRiskForProblem,
  gradientDescentSpectrum,
  isotropicTarget,
  scaledSpectrum,
  stepDecay,
  stepGain,
} from '../src/theory/gradient-descent.js';

const relErr = (a: number, b: number) => Math.abs(a / b - 1);

/** w_{k+1} = w_k − η ⊙ Xᵀ(Xw_k − y)/n from 0, in plain loops; the iterates at `record`. */
function plainGradientDescent(
  x: Matrix,
  y: Float64Array,
  eta: Float64Array,
  record: number[],
): Float64Array[] {
  const { rows: n, cols: p } = x;
  const w = new Float64Array(p);
  const residual = new Float64Array(n);
  const out: Float64Array[] = [];
  let k = 0;
  for (const target of record) {
    for (; k < target; k++) {
      for (let i = 0; i < n; i++) {
        let s = -y[i];
        for (let j = 0; j < p; j++) s += x.data[i * p + j] * w[j];
        residual[i] = s;
      }
      for (let j = 0; j < p; j++) {
        let g = 0;
        for (let i = 0; i < n; i++) g += x.data[i * p + j] * residual[i];
        w[j] -= (eta[j] * g) / n;
      }
    }
    out.push(Float64Array.from(w));
  }
  return out;
}

const weightedRisk = (w: Float64Array, beta: Float64Array, cov: Float64Array) =>
  w.reduce((acc, wj, j) => acc + cov[j] * (wj - beta[j]) ** 2, 0);

/** A random problem with per-coordinate steps (stable: scaled to ηλ_max = 1.5) and test covariance. */
function problem(n: number, p: number, seed: number) {
  const rng = new Rng(seed);
  const x = matrix(n, p, rng.fillNormal(new Float64Array(n * p)));
  const beta = rng.fillNormal(new Float64Array(p));
  const y = Float64Array.from({ length: n }, (_, i) => {
    let t = 0.3 * rng.normal();
    for (let j = 0; j < p; j++) t += x.data[i * p + j] * beta[j];
    return t;
  });
  const multipliers = Float64Array.from({ length: p }, () => 0.2 + 2 * rng.uniform());
  const cov = Float64Array.from({ length: p }, () => 0.1 + rng.uniform());
  const unit = gradientDescentSpectrum({ x, stepSizes: multipliers, testCovariance: cov });
  const factor = 1.5 / unit.values[0];
  const eta = multipliers.map((m) => m * factor);
  return { x, y, beta, eta, cov, spectrum: scaledSpectrum(unit, factor) };
}

describe('exact risk of gradient descent, (1 − ηλ)^k per eigendirection', () => {
  it.each([
    [40, 25],
    [20, 35], // n < p: directions that never move
  ])(
    'equals plain gradient descent step by step (n = %i, p = %i; per-coordinate steps, weighted risk)',
    (n, p) => {
      const { x, y, beta, eta, cov, spectrum } = problem(n, p, n + p);
      const record = [0, 1, 2, 7, 50, 400, 3000];
      const setting = { x, stepSizes: eta, testCovariance: cov };
      const exact = gradientDescentRiskForProblem(setting, y, beta, record, spectrum);
      // Without a precomputed spectrum: the same numbers.
      expect(gradientDescentRiskForProblem(setting, y, beta, record)[3]).toBeCloseTo(exact[3], 12);
      const iterates = plainGradientDescent(x, y, eta, record);
      record.forEach((_, i) =>
        expect(relErr(weightedRisk(iterates[i], beta, cov), exact[i])).toBeLessThan(1e-10),
      );
      // k = ∞: the fixed point (reached within rounding by the last recorded step here).
      const [end] = gradientDescentRiskForProblem(setting, y, beta, [Infinity], spectrum);
      const [far] = gradientDescentRiskForProblem(setting, y, beta, [200_000], spectrum);
      expect(relErr(far, end)).toBeLessThan(1e-9);
    },
  );

  it("the ONNX stepper's iterates equal plain loops, for several target columns at once", async () => {
    const { x, eta } = problem(30, 20, 5);
    const rng = new Rng(9);
    const y = matrix(30, 3, rng.fillNormal(new Float64Array(90)));
    const record = [0, 1, 3, 256, 300, 1000];
    const iterates = await linearGradientDescent({ x, y, stepSizes: eta, record });
    for (let r = 0; r < 3; r++) {
      const column = Float64Array.from({ length: 30 }, (_, i) => y.data[i * 3 + r]);
      const plain = plainGradientDescent(x, column, eta, record);
      record.forEach((_, k) => {
        const w = Float64Array.from({ length: 20 }, (_, j) => iterates[k].data[j * 3 + r]);
        const scale = Math.max(1, ...plain[k].map(Math.abs));
        w.forEach((v, j) => expect(Math.abs(v - plain[k][j])).toBeLessThan(1e-11 * scale));
      });
    }
    await expect(linearGradientDescent({ x, y, stepSizes: eta, record: [5, 3] })).rejects.toThrow(
      /record must hold increasing integers ≥ 0, got 3 at 1/,
    );
  });

  it('its expectation over β and noise is the quadratic form summed over basis problems, exactly', () => {
    const { x, eta, cov, spectrum } = problem(25, 15, 3);
    const { rows: n, cols: p } = x;
    const setting = { x, stepSizes: eta, testCovariance: cov };
    const record = [0, 3, 40, 1000, Infinity];
    const betaVariance = Float64Array.from({ length: p }, (_, j) => 0.5 + j / p);
    // Bias: E βᵀKβ = Σ_j B_j K_jj with K_jj the noise-free risk of β = e_j.
    const bias = gradientDescentRiskForDesign(setting, record, { betaVariance, sigma: 0 }, spectrum);
    const biasSum = record.map(() => 0);
    for (let j = 0; j < p; j++) {
      const e = new Float64Array(p);
      e[j] = 1;
      const y = Float64Array.from({ length: n }, (_, i) => x.data[i * p + j]);
      gradientDescentRiskForProblem(setting, y, e, record, spectrum).forEach(
        (v, k) => (biasSum[k] += betaVariance[j] * v),
      );
    }
    // Relative to the risk at k = 0: once the bias has decayed below rounding, the per-problem route
    // (g_k(λ)c − b, with c = λb) cancels and is exact only to about ε·‖β‖².
    record.forEach((_, k) => expect(Math.abs(bias[k] - biasSum[k])).toBeLessThan(1e-12 * bias[0]));
    expect(relErr(bias[2], biasSum[2])).toBeLessThan(1e-10);
    // Variance: E εᵀKε = σ² Σ_i K_ii with K_ii the risk of y = e_i at β = 0.
    const sigma = 0.7;
    const variance = gradientDescentRiskForDesign(setting, record, { betaVariance: 0, sigma }, spectrum);
    const varianceSum = record.map(() => 0);
    for (let i = 0; i < n; i++) {
      const y = new Float64Array(n);
      y[i] = 1;
      gradientDescentRiskForProblem(setting, y, new Float64Array(p), record, spectrum).forEach(
        (v, k) => (varianceSum[k] += sigma * sigma * v),
      );
    }
    expect(variance[0]).toBe(0);
    record
      .slice(1)
      .forEach((_, k) => expect(relErr(variance[k + 1], varianceSum[k + 1])).toBeLessThan(1e-10));
    // Both at once add up.
    const both = gradientDescentRiskForDesign(setting, record, { betaVariance, sigma }, spectrum);
    record.forEach((_, k) => expect(relErr(both[k], bias[k] + variance[k])).toBeLessThan(1e-12));
  });

  it('tends to the gradient flow as η → 0 at fixed ηk (isotropic: gradientFlowRiskForDesign)', () => {
    const x = linearGaussian({ d: 20, n: 30, nTest: 0, r: 1, sigma: 0.5, seed: 4 }).train.x;
    const target = { r: 1, sigma: 0.5 };
    const times = [0.5, 2, 10];
    const flow = gradientFlowRiskForDesign(x, times, target);
    const gaps = [1e-2, 5e-3, 2.5e-3].map((eta) => {
      const gd = gradientDescentRiskForDesign(
        { x, stepSizes: eta },
        times.map((t) => Math.round(t / eta)),
        isotropicTarget(target, 20),
      );
      return Math.max(...times.map((_, i) => relErr(gd[i], flow[i])));
    });
    expect(gaps[0]).toBeLessThan(0.05);
    // First order in η: halving η halves the gap.
    expect(gaps[1] / gaps[0]).toBeCloseTo(0.5, 1);
    expect(gaps[2] / gaps[1]).toBeCloseTo(0.5, 1);
  });

  it('gain and decay at the edges; errors name what is wrong', () => {
    expect(stepGain(0.3, 0)).toBe(0);
    expect(stepGain(0, 7)).toBe(7);
    expect(stepGain(0.25, Infinity)).toBe(4);
    expect(relErr(stepGain(1e-12, 1000), 1000 - (1e-12 * 1000 * 999) / 2)).toBeLessThan(1e-15);
    expect(stepGain(1.5, 3)).toBeCloseTo((1 - (-0.5) ** 3) / 1.5, 15);
    expect(stepDecay(0, Infinity)).toBe(1);
    expect(stepDecay(0.5, Infinity)).toBe(0);
    expect(stepDecay(0.5, 3)).toBeCloseTo(0.125, 15);
    const { x, y, beta, eta, spectrum } = problem(20, 10, 1);
    const setting = { x, stepSizes: eta };
    expect(() => gradientDescentRiskForProblem(setting, y, beta, [1], scaledSpectrum(spectrum, 2))).toThrow(
      /gradient descent diverges: the largest eigenvalue .* is 3\.000 ≥ 2; lower the step size/,
    );
    expect(() => gradientDescentRiskForProblem(setting, y, beta, [1.5], spectrum)).toThrow(
      /iterations\[0\] must be an integer ≥ 0 or Infinity, got 1.5/,
    );
    expect(() => gradientDescentRiskForProblem(setting, y.subarray(1), beta, [1], spectrum)).toThrow(
      /y has 19 values, x has 20 rows/,
    );
    expect(() => gradientDescentSpectrum({ x, stepSizes: new Float64Array(3) })).toThrow(
      /stepSizes has 3 values, the design has 10 columns/,
    );
    expect(() => gradientDescentSpectrum({ x, stepSizes: -1 })).toThrow(
      /stepSizes\[0\] must be a finite number > 0, got -1/,
    );
  });
});
