// A cheap estimate of the 2-norm condition number of a symmetric positive definite matrix given
// its Cholesky factor: the largest eigenvalue by power iteration, the smallest by inverse iteration
// (solves with the factor). Both converge from below/above, so the estimate is a lower bound that is
// typically within a small factor after a few iterations — enough to flag ill-conditioning.
import { choleskySolve, multiplyFactored, type LowerView } from '../engine/triangular.js';

export function estimateCondition(l: LowerView, iterations = 4): number {
  const n = l.n;
  if (n === 0) return 1;
  const start = () => {
    // A fixed, non-special start vector keeps the estimate deterministic.
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

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function normalize(v: Float64Array): Float64Array {
  const s = norm(v);
  for (let i = 0; i < v.length; i++) v[i] /= s;
  return v;
}
