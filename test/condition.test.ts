// The condition estimate of the whole-curve solver: the same bits as the plain power and inverse
// iterations it fuses, and a lower bound within a small factor of the true 2-norm condition number.
import { describe, expect, it } from 'vitest';
import { estimateCondition } from '../src/fit/condition.js';
import { cholesky } from '../src/engine/cholesky.js';
import { choleskySolve, lowerView, multiplyFactored, type LowerView } from '../src/engine/triangular.js';
import { symmetricEigen } from '../src/theory/symmetric-eigen.js';
import { naiveMatmul, randomMatrix } from './helpers.js';

/** The estimate as plain loops: power iteration with multiplyFactored, inverse iteration with choleskySolve. */
function plainEstimate(l: LowerView, iterations = 4): number {
  const n = l.n;
  const start = () => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = 1 + ((i * 7919) % 13) / 13;
    return normalize(v);
  };
  let v = start();
  let largest = 0;
  for (let k = 0; k < iterations; k++) {
    const w = multiplyFactored(l, v);
    largest = norm(w);
    v = normalize(w);
  }
  v = start();
  let inverseLargest = 0;
  for (let k = 0; k < iterations; k++) {
    const w = choleskySolve(l, { rows: n, cols: 1, data: v }).data;
    inverseLargest = norm(w);
    v = normalize(w);
  }
  return largest * inverseLargest;
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const normalize = (v: Float64Array) => {
  const s = norm(v);
  for (let i = 0; i < v.length; i++) v[i] /= s;
  return v;
};

describe('estimateCondition', () => {
  it('equals the plain power and inverse iterations bit for bit, on whole factors and leading blocks', async () => {
    const f = randomMatrix(300, 120, 3); // FᵀF: a Gram matrix like the solver's, κ in the hundreds
    const l = await cholesky(naiveMatmul(f, f, true, false));
    // Orders 0 to 3 mod 4: the sweeps take rows four at a time and the rest one by one.
    const orders = [120, 77, 78, 79, 1, 2, 3, 4, 5];
    for (const view of orders.map((order) => lowerView(l, order))) {
      expect(estimateCondition(view)).toBe(plainEstimate(view));
      expect(estimateCondition(view, 9)).toBe(plainEstimate(view, 9));
    }
  });

  it('is a lower bound within a factor 2 of the true condition number', async () => {
    const f = randomMatrix(60, 40, 5);
    const g = naiveMatmul(f, f, true, false);
    const { values } = symmetricEigen(g);
    const truth = Math.max(...values) / Math.min(...values);
    const estimate = estimateCondition(lowerView(await cholesky(g)), 20);
    expect(estimate).toBeLessThanOrEqual(truth * (1 + 1e-9));
    expect(estimate).toBeGreaterThan(truth / 2);
  });
});
