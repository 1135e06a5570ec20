// A cheap estimate of the 2-norm condition number of a symmetric positive definite matrix given
// its Cholesky factor: the largest eigenvalue by power iteration, the smallest by inverse iteration
// (solves with the factor). Both converge from below/above, so the estimate is a lower bound that is
// typically within a small factor after a few iterations — enough to flag ill-conditioning.
//
// The two iterations are independent, so each step of both runs in two sweeps over L instead of
// four: rows upward for t = Lᵀv and the forward solve, rows downward for L·t and the back
// substitution. Every sum keeps the order of the plain loops (multiplyFactored, choleskySolve in
// triangular.ts), so the estimate is the same to the bit, at half the memory traffic — it is
// memory-bound at the orders of the random-features curve (n in the thousands).
import type { LowerView } from '../engine/triangular.js';

export function estimateCondition(l: LowerView, iterations = 4): number {
  const { data: L, ld, n } = l;
  if (n === 0) return 1;
  const start = () => {
    // A fixed, non-special start vector keeps the estimate deterministic.
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = 1 + ((i * 7919) % 13) / 13;
    return normalize(v);
  };
  let v = start(); // power iteration on L Lᵀ
  let b = start(); // inverse iteration
  let largest = 0;
  let inverseLargest = 0;
  for (let k = 0; k < iterations; k++) {
    // Rows upward: t = Lᵀ v (axpy by rows), and L y = b (forward substitution).
    const t = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = i * ld;
      const vi = v[i];
      let s = b[i];
      for (let j = 0; j < i; j++) {
        const lij = L[row + j];
        t[j] += lij * vi;
        s -= lij * y[j];
      }
      t[i] += L[row + i] * vi;
      y[i] = s / L[row + i];
    }
    // Rows downward: w = L t (a dot product per row, in any row order), and Lᵀ x = y (back substitution).
    const w = new Float64Array(n);
    const x = new Float64Array(n);
    const r = y; // y is not needed after this sweep: its entries become the running right-hand side
    for (let i = n - 1; i >= 0; i--) {
      const row = i * ld;
      const xi = r[i] / L[row + i];
      x[i] = xi;
      let s = 0;
      for (let j = 0; j < i; j++) {
        const lij = L[row + j];
        s += lij * t[j];
        r[j] -= lij * xi;
      }
      w[i] = s + L[row + i] * t[i];
    }
    largest = norm(w);
    v = normalize(w);
    inverseLargest = norm(x);
    b = normalize(x);
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
