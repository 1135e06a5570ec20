// The closed-form curves of src/theory against values computed independently:
//  - REF: test/reference/theory_reference.py (python3 + numpy/scipy, run once; its output pasted
//    below). Ridge and gradient-flow risks there are Marchenko–Pastur integrals taken by
//    scipy.integrate.quad straight from their definitions (no κ formula, no trapezoid rule), and the
//    Mei–Montanari risk is also measured by Monte Carlo with numpy.linalg.lstsq;
//  - Monte Carlo and gradient descent written here in TypeScript, independent of src/theory.
import { describe, expect, it } from 'vitest';
import { linearGaussian } from '../src/data/linear-gaussian.js';
import { matrix, zeros, type Matrix } from '../src/engine/matrix.js';
import { Rng } from '../src/engine/random.js';
import {
  gradientFlowCurve,
  hastieCurve,
  logSpace,
  reluFeaturesCurve,
  ridgeCurve,
} from '../src/theory/curves.js';
import {
  designSpectrum,
  gradientFlowRisk,
  gradientFlowRiskForDesign,
  gradientFlowRiskForProblem,
} from '../src/theory/gradient-flow.js';
import {
  finiteRidgelessRisk,
  optimalRidgeLambda,
  optimalRidgeRisk,
  ridgeKappa,
  ridgeRisk,
  ridgelessRisk,
} from '../src/theory/isotropic-least-squares.js';
import { RELU_ZETA, randomFeaturesRisk } from '../src/theory/random-features-relu.js';
import { symmetricEigen } from '../src/theory/symmetric-eigen.js';
import { naiveMatmul, randomMatrix } from './helpers.js';

// Output of test/reference/theory_reference.py (scipy 1.17, numpy 2.4).
const REF = {
  ridge: [
    { gamma: 0.5, lambda: 0.1, r: 1, sigma: 0.5, risk: 0.1767837257372732 },
    { gamma: 1.0, lambda: 0.1, r: 1, sigma: 0.5, risk: 0.44112988684619653 },
    { gamma: 2.0, lambda: 0.01, r: 1, sigma: 0.5, risk: 0.7405233818318664 },
    { gamma: 2.0, lambda: 1.0, r: 1, sigma: 0.5, risk: 0.6553300858899106 },
    { gamma: 0.3, lambda: 2.0, r: 2, sigma: 1, risk: 1.9810631323443282 },
    { gamma: 4.0, lambda: 0.5, r: 2, sigma: 1, risk: 3.251705007010574 },
    { gamma: 1.0, lambda: 0.25, r: 1, sigma: 0.5, risk: 0.39038820320220763 },
    { gamma: 0.9, lambda: 0.001, r: 1, sigma: 0.5, risk: 1.898444966007671 },
  ],
  gradientFlow: [
    { gamma: 0.5, t: 1, risk: 0.307931995982995 },
    { gamma: 0.5, t: 10, risk: 0.21083773970165 },
    { gamma: 0.5, t: 1000, risk: 0.25000000000000006 },
    { gamma: 1.0, t: 1, risk: 0.45002945228802804 },
    { gamma: 1.0, t: 100, risk: 1.5696351860030093 },
    { gamma: 1.0, t: 1e4, risk: 16.4039476749036 },
    { gamma: 2.0, t: 3, risk: 0.677814375757773 },
    { gamma: 2.0, t: 1e3, risk: 0.75 },
    { gamma: 0.9, t: 50, risk: 0.9711666000443618 },
    { gamma: 3.0, t: 0.1, risk: 0.8652590092870517 },
    { gamma: 0.99, t: 10, risk: 0.525167278868386 },
    { gamma: 1.01, t: 1000, risk: 5.071664777842222 },
  ], // r = 1, σ = 0.5
  // psi2 = 3, F1 = 1; [psi1, risk at τ = 0, risk at τ = 0.5] from the same formula in numpy.
  meiMontanari: [
    [0.5, 0.8099738649173304, 0.8599738649173304],
    [1.5, 0.6195042344873655, 0.8695042344873654],
    [2.5, 1.0680393273870918, 2.318039327387093],
    [4.0, 0.4623744855679679, 1.2929516661329115],
    [6.0, 0.172626934352648, 0.5032041149175925],
    [10.0, 0.08984191971969932, 0.2775619574275011],
    [20.0, 0.0533191191463396, 0.17801394677010782],
  ],
  // Monte Carlo, d = 200, ψ2 = 3, F1 = 1, τ = 0.5, 8 seeds: mean excess risk and its standard error.
  meiMontanariMonteCarlo: [
    { psi1: 0.5, mean: 0.8602957556613062, se: 0.029481237580821933 },
    { psi1: 1.5, mean: 0.8599149437131043, se: 0.03073657631310898 },
    { psi1: 6.0, mean: 0.4968685749801982, se: 0.017067412826176145 },
  ],
};

const relErr = (a: number, b: number) => Math.abs(a / b - 1);
const target = { r: 1, sigma: 0.5 };

describe('ridgeless least squares (Hastie et al. 2019)', () => {
  it('matches σ²γ/(1−γ) below and r²(1−1/γ) + σ²/(γ−1) above the threshold', () => {
    expect(ridgelessRisk(0.5, target)).toBeCloseTo(0.25, 14);
    expect(ridgelessRisk(0.9, target)).toBeCloseTo(2.25, 13);
    expect(ridgelessRisk(2, target)).toBeCloseTo(0.5 + 0.25, 14);
    expect(ridgelessRisk(4, { r: 2, sigma: 1 })).toBeCloseTo(4 * 0.75 + 1 / 3, 14);
  });

  it('is +Infinity at γ = 1 (0 without noise), never NaN', () => {
    expect(ridgelessRisk(1, target)).toBe(Infinity);
    expect(ridgelessRisk(1, { r: 1, sigma: 0 })).toBe(0);
    expect(ridgeRisk(1, 0, target)).toBe(Infinity);
    expect(finiteRidgelessRisk(100, 100, target)).toBe(Infinity);
    expect(finiteRidgelessRisk(99, 100, target)).toBe(Infinity);
    expect(finiteRidgelessRisk(101, 100, target)).toBe(Infinity);
    expect(finiteRidgelessRisk(101, 100, { r: 1, sigma: 0 })).toBeCloseTo(1 - 100 / 101, 14);
    expect(finiteRidgelessRisk(100, 100, { r: 1, sigma: 0 })).toBe(0);
    expect(gradientFlowRisk(1, Infinity, target)).toBe(Infinity);
    expect(randomFeaturesRisk(3, 3, { signal: 1, noise: 0.5 }).risk).toBe(Infinity);
  });

  it('rejects invalid parameters with errors that name them', () => {
    for (const g of [0, -1, NaN, Infinity]) expect(() => ridgelessRisk(g, target)).toThrow(/^gamma must be/);
    expect(() => ridgelessRisk(0.5, { r: 1, sigma: -0.1 })).toThrow(/^sigma must be .*-0\.1/);
    expect(() => ridgelessRisk(0.5, { r: -1, sigma: 1 })).toThrow(/^r must be/);
    expect(() => ridgelessRisk(0.5, { r: NaN, sigma: 1 })).toThrow(/^r must be .*NaN/);
    expect(() => ridgeRisk(0.5, -1, target)).toThrow(/^lambda must be/);
    expect(() => ridgeRisk(0.5, NaN, target)).toThrow(/^lambda must be/);
    expect(() => finiteRidgelessRisk(0, 10, target)).toThrow(/^p must be a positive integer/);
    expect(() => finiteRidgelessRisk(5, 2.5, target)).toThrow(/^n must be a positive integer/);
    expect(() => randomFeaturesRisk(0, 3, { signal: 1, noise: 0 })).toThrow(/^psi1 must be/);
    expect(() => randomFeaturesRisk(1, NaN, { signal: 1, noise: 0 })).toThrow(/^psi2 must be/);
    expect(() => randomFeaturesRisk(1, 3, { signal: -1, noise: 0 })).toThrow(/^signal must be/);
    expect(() => randomFeaturesRisk(1, 3, { signal: 1, noise: -1 })).toThrow(/^noise must be/);
    expect(() => gradientFlowRisk(0.5, -1, target)).toThrow(/^t must be/);
    expect(() => gradientFlowRisk(0.5, NaN, target)).toThrow(/^t must be/);
  });

  it('finite-n expectation matches σ²p/(n−p−1) and r²(1−n/p) + σ²n/(p−n−1) and tends to the limit', () => {
    expect(finiteRidgelessRisk(50, 100, target)).toBeCloseTo((0.25 * 50) / 49, 14);
    expect(finiteRidgelessRisk(300, 100, target)).toBeCloseTo(1 - 1 / 3 + (0.25 * 100) / 199, 14);
    for (const gamma of [0.3, 0.8, 1.5, 4]) {
      const n = 1e6;
      expect(relErr(finiteRidgelessRisk(gamma * n, n, target), ridgelessRisk(gamma, target))).toBeLessThan(
        1e-4,
      );
    }
  });

  it('finite-n expectation agrees with a Monte Carlo of min-norm least squares (pseudo-inverse by normal equations)', () => {
    // n = 30: p = 10 (under) and p = 60 (over). Each draw's risk ‖β̂ − β‖² is computed here with
    // a plain Gauss–Jordan solve; tolerance 4 standard errors of the Monte Carlo mean.
    const n = 30;
    for (const p of [10, 60]) {
      const risks: number[] = [];
      for (let s = 0; s < 400; s++) {
        const data = linearGaussian({ d: p, n, nTest: 0, r: 1, sigma: 0.5, seed: 100 + s });
        risks.push(minNormRisk(data.train.x, data.train.y, data.beta));
      }
      const mean = risks.reduce((a, b) => a + b, 0) / risks.length;
      const sd = Math.sqrt(risks.reduce((a, b) => a + (b - mean) ** 2, 0) / (risks.length - 1));
      expect(Math.abs(mean - finiteRidgelessRisk(p, n, target))).toBeLessThan(
        (4 * sd) / Math.sqrt(risks.length),
      );
    }
  });
});

describe('ridge (Hastie et al. 2019)', () => {
  it('matches the Marchenko–Pastur integral of its definition (scipy quad)', () => {
    for (const { gamma, lambda, r, sigma, risk } of REF.ridge) {
      expect(relErr(ridgeRisk(gamma, lambda, { r, sigma }), risk)).toBeLessThan(1e-9);
    }
  });

  it('κ solves its quadratic without cancellation and λ → 0 recovers the ridgeless risk', () => {
    for (const [gamma, lambda] of [
      [0.5, 1e-12],
      [0.99, 1e-9],
      [3, 1e-10],
      [0.2, 5],
    ]) {
      const k = ridgeKappa(gamma, lambda);
      expect(k).toBeGreaterThan(0);
      expect(Math.abs(k * k - (lambda + gamma - 1) * k - lambda)).toBeLessThan(1e-15 * Math.max(1, k * k));
    }
    for (const gamma of [0.3, 0.9, 1.1, 3]) {
      expect(relErr(ridgeRisk(gamma, 1e-10, target), ridgelessRisk(gamma, target))).toBeLessThan(1e-6);
    }
  });

  it('λ* = σ²γ/r² minimises the risk, and its curve has no peak', () => {
    for (const gamma of [0.2, 0.9, 1, 1.1, 5]) {
      const l = optimalRidgeLambda(gamma, target);
      expect(l).toBeCloseTo((0.25 * gamma) / 1, 15);
      const best = optimalRidgeRisk(gamma, target);
      for (const f of [0.5, 0.9, 0.99, 1.01, 1.1, 2])
        expect(ridgeRisk(gamma, l * f, target)).toBeGreaterThan(best);
    }
    // Monotone increasing in γ towards r² (no peak at γ = 1).
    const curve = logSpace(0.05, 50, 200).map((g) => optimalRidgeRisk(g, target));
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeGreaterThan(curve[i - 1]);
    expect(curve[curve.length - 1]).toBeLessThan(1);
    expect(optimalRidgeRisk(2, { r: 0, sigma: 1 })).toBe(0);
  });
});

describe('random ReLU features (Mei & Montanari 2019)', () => {
  it('has ζ = μ1/μ* for ReLU', () => {
    expect(RELU_ZETA).toBeCloseTo(0.5 / Math.sqrt(0.25 - 1 / (2 * Math.PI)), 15);
  });

  it('matches the formula as evaluated in numpy', () => {
    for (const [psi1, r0, r5] of REF.meiMontanari) {
      expect(relErr(randomFeaturesRisk(psi1, 3, { signal: 1, noise: 0 }).risk, r0)).toBeLessThan(1e-10);
      expect(relErr(randomFeaturesRisk(psi1, 3, { signal: 1, noise: 0.5 }).risk, r5)).toBeLessThan(1e-10);
    }
  });

  it('agrees with numpy Monte Carlo at d = 200 (x ~ N(0, I), unit-sphere ReLU directions, noise not in the risk)', () => {
    // Tolerance: 3 Monte Carlo standard errors plus 5% for the finite-d bias (measured at d = 200:
    // +1…4% at ψ1 = 6…20 with 40 seeds, numpy and ddlab alike).
    for (const { psi1, mean, se } of REF.meiMontanariMonteCarlo) {
      const theory = randomFeaturesRisk(psi1, 3, { signal: 1, noise: 0.5 }).risk;
      expect(Math.abs(mean - theory)).toBeLessThan(3 * se + 0.05 * theory);
    }
  });

  it('is symmetric in the limits: ψ1 → 0 gives ‖β‖², the risk splits into bias and variance', () => {
    expect(randomFeaturesRisk(1e-6, 3, { signal: 2, noise: 1 }).risk).toBeCloseTo(4, 4);
    const { risk, bias, variance } = randomFeaturesRisk(5, 3, { signal: 2, noise: 0.5 });
    expect(risk).toBeCloseTo(4 * bias + 0.25 * variance, 14);
    const rows = reluFeaturesCurve({ psi1s: [1, 3, 10], psi2: 3, target: { signal: 2, noise: 0.5 } });
    expect(rows[1].risk).toBe(Infinity);
    expect(rows[2].bias + rows[2].variance).toBeCloseTo(rows[2].risk, 14);
  });
});

describe('gradient flow on least squares (Marchenko–Pastur)', () => {
  it('matches scipy quad of r²∫e^{−2st}dμ + σ²γ∫(1−e^{−st})²/s dμ', () => {
    for (const { gamma, t, risk } of REF.gradientFlow) {
      expect(relErr(gradientFlowRisk(gamma, t, target), risk)).toBeLessThan(1e-8);
    }
  });

  it('starts at r² (w = 0) and ends at the ridgeless risk', () => {
    for (const gamma of [0.3, 1, 2.5]) expect(gradientFlowRisk(gamma, 0, target)).toBeCloseTo(1, 12);
    for (const gamma of [0.3, 0.95, 1.2, 2.5]) {
      expect(gradientFlowRisk(gamma, Infinity, target)).toBe(ridgelessRisk(gamma, target));
      expect(relErr(gradientFlowRisk(gamma, 1e6, target), ridgelessRisk(gamma, target))).toBeLessThan(1e-9);
    }
    const rows = gradientFlowCurve({ gammas: [0.5, 2], times: [0, 1, Infinity], target });
    expect(rows.map((r) => r.gamma)).toEqual([0.5, 0.5, 0.5, 2, 2, 2]);
  });
});

describe('symmetricEigen (Jacobi)', () => {
  it('diagonalises symmetric matrices, rank-deficient ones too', () => {
    for (const [rows, cols] of [
      [12, 12],
      [5, 9], // XᵀX of rank 5
    ]) {
      const x = randomMatrix(rows, cols, rows + cols);
      const a = naiveMatmul(x, x, true, false); // cols × cols
      const { values, vectors } = symmetricEigen(a);
      const p = cols;
      for (let i = 1; i < p; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
      // V diag(λ) Vᵀ = A and VᵀV = I.
      const scale = Math.abs(values[0]);
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) {
          let s = 0;
          let o = 0;
          for (let k = 0; k < p; k++) {
            s += vectors.data[i * p + k] * values[k] * vectors.data[j * p + k];
            o += vectors.data[k * p + i] * vectors.data[k * p + j];
          }
          expect(Math.abs(s - a.data[i * p + j])).toBeLessThan(1e-13 * scale);
          expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-13);
        }
      if (rows < cols) for (let i = rows; i < p; i++) expect(Math.abs(values[i])).toBeLessThan(1e-13 * scale);
    }
  });
});

describe('gradient flow on a given design', () => {
  /** Plain gradient descent on (1/2n)‖y − Xw‖² from w = 0: the risk ‖w − β‖² after each checkpoint. */
  function gradientDescent(x: Matrix, y: Float64Array, beta: Float64Array, step: number, times: number[]) {
    const { rows: n, cols: p } = x;
    const w = new Float64Array(p);
    const residual = new Float64Array(n);
    const out: number[] = [];
    let k = 0;
    for (const t of times) {
      for (; k < Math.round(t / step); k++) {
        for (let i = 0; i < n; i++) {
          let s = y[i];
          for (let j = 0; j < p; j++) s -= x.data[i * p + j] * w[j];
          residual[i] = s;
        }
        for (let j = 0; j < p; j++) {
          let g = 0;
          for (let i = 0; i < n; i++) g += x.data[i * p + j] * residual[i];
          w[j] += (step / n) * g;
        }
      }
      out.push(w.reduce((acc, wj, j) => acc + (wj - beta[j]) ** 2, 0));
    }
    return out;
  }

  it.each([
    [40, 25],
    [30, 50],
  ])('matches gradient descent with a tiny step (n = %i, p = %i)', (n, p) => {
    const data = linearGaussian({ d: p, n, nTest: 0, r: 1, sigma: 0.5, seed: 7 });
    const times = [0.5, 2, 8];
    const step = 2e-4;
    const gd = gradientDescent(data.train.x, data.train.y, data.beta, step, times);
    const flow = gradientFlowRiskForProblem(data.train.x, data.train.y, data.beta, times);
    // GD multiplies each eigendirection by (1 − ηs)^k instead of e^{−st}: the gap is O(η s² t).
    times.forEach((_, i) => expect(relErr(gd[i], flow[i])).toBeLessThan(2e-3));
    // At t = ∞ the flow's end point is the minimum-norm least-squares solution.
    const [end] = gradientFlowRiskForProblem(data.train.x, data.train.y, data.beta, [Infinity]);
    expect(relErr(end, minNormRisk(data.train.x, data.train.y, data.beta))).toBeLessThan(1e-8);
  });

  it('its expectation over β and noise matches a Monte Carlo over β and noise for a fixed design', () => {
    const n = 40;
    const p = 30;
    const x = linearGaussian({ d: p, n, nTest: 0, r: 1, sigma: 0.5, seed: 3 }).train.x;
    const spectrum = designSpectrum(x);
    const times = [1, 5, Infinity];
    const expected = gradientFlowRiskForDesign(x, times, target, spectrum);
    const rng = new Rng(11);
    const draws = times.map(() => [] as number[]);
    for (let s = 0; s < 2000; s++) {
      const beta = rng.fillNormal(new Float64Array(p));
      const norm = Math.hypot(...beta);
      beta.forEach((b, j) => (beta[j] = b / norm));
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = 0.5 * rng.normal();
        for (let j = 0; j < p; j++) v += x.data[i * p + j] * beta[j];
        y[i] = v;
      }
      gradientFlowRiskForProblem(x, y, beta, times, spectrum).forEach((r, i) => draws[i].push(r));
    }
    times.forEach((_, i) => {
      const m = draws[i].reduce((a, b) => a + b, 0) / draws[i].length;
      const sd = Math.sqrt(draws[i].reduce((a, b) => a + (b - m) ** 2, 0) / (draws[i].length - 1));
      expect(Math.abs(m - expected[i])).toBeLessThan((4 * sd) / Math.sqrt(draws[i].length));
    });
  });

  it('approaches the Marchenko–Pastur curve for a large design (n = 300, p = 150)', () => {
    const n = 300;
    const p = 150;
    const x = linearGaussian({ d: p, n, nTest: 0, r: 1, sigma: 0.5, seed: 5 }).train.x;
    const times = [0.3, 1, 3, 10, 100];
    const finite = gradientFlowRiskForDesign(x, times, target);
    times.forEach((t, i) => expect(relErr(finite[i], gradientFlowRisk(0.5, t, target))).toBeLessThan(0.03));
  });
});

describe('curves for the CLI', () => {
  it('hastie rows carry the finite-n column at p = round(γn)', () => {
    const rows = hastieCurve({ gammas: [0.5, 1, 2], target, n: 100 });
    expect(rows.map((r) => r.p)).toEqual([50, 100, 200]);
    expect(rows[1].risk).toBe(Infinity);
    expect(rows[0].riskFinite).toBeCloseTo(finiteRidgelessRisk(50, 100, target), 15);
  });
  it('ridge rows mark the optimal curve', () => {
    const rows = ridgeCurve({ gammas: [0.5, 2], lambdas: [0.1, 'optimal'], target });
    expect(rows.map((r) => r.optimal)).toEqual([0, 0, 1, 1]);
    expect(rows[3].lambda).toBeCloseTo(0.5, 15);
  });
  it('logSpace includes both ends', () => {
    const g = logSpace(0.1, 10, 3);
    expect(g[0]).toBe(0.1);
    expect(g[1]).toBeCloseTo(1, 14);
    expect(g[2]).toBe(10);
    expect(() => logSpace(0, 1, 3)).toThrow(/0 < start/);
  });
});

/** ‖X⁺y − β‖² computed with a Gauss–Jordan solve of the normal equations (small problems only). */
function minNormRisk(x: Matrix, y: Float64Array, beta: Float64Array): number {
  const { rows: n, cols: p } = x;
  let betaHat: Float64Array;
  if (p <= n) {
    // (XᵀX) b = Xᵀy
    const a = naiveMatmul(x, x, true, false);
    const rhs = naiveMatmul(x, matrix(n, 1, y), true, false);
    betaHat = solve(a, rhs.data);
  } else {
    // b = Xᵀ (XXᵀ)⁻¹ y
    const alpha = solve(naiveMatmul(x, x, false, true), y);
    betaHat = naiveMatmul(x, matrix(n, 1, alpha), true, false).data;
  }
  return betaHat.reduce((acc, b, j) => acc + (b - beta[j]) ** 2, 0);
}

function solve(a: Matrix, b: Float64Array): Float64Array {
  const m = a.rows;
  const aug = zeros(m, m + 1);
  for (let i = 0; i < m; i++) {
    aug.data.set(a.data.subarray(i * m, (i + 1) * m), i * (m + 1));
    aug.data[i * (m + 1) + m] = b[i];
  }
  const w = m + 1;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++)
      if (Math.abs(aug.data[r * w + c]) > Math.abs(aug.data[piv * w + c])) piv = r;
    for (let j = 0; j < w; j++)
      [aug.data[c * w + j], aug.data[piv * w + j]] = [aug.data[piv * w + j], aug.data[c * w + j]];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = aug.data[r * w + c] / aug.data[c * w + c];
      for (let j = c; j < w; j++) aug.data[r * w + j] -= f * aug.data[c * w + j];
    }
  }
  return Float64Array.from({ length: m }, (_, i) => aug.data[i * w + m] / aug.data[i * w + i]);
}
