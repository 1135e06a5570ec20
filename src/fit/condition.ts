// A cheap estimate of the 2-norm condition number of a symmetric positive definite matrix given
// its Cholesky factor: the largest eigenvalue by power iteration, the smallest by inverse iteration
// (solves with the factor). Both converge from below/above, so the estimate is a lower bound that is
// typically within a small factor after a few iterations — enough to flag ill-conditioning.
//
// The two iterations are independent, so each step of both runs in two sweeps over L instead of
// four: rows upward for t = Lᵀv and the forward solve, rows downward for L·t and the back
// substitution. Every sum keeps the order of the plain loops (multiplyFactored, choleskySolve in
// triangular.ts), so the estimate is the same to the bit.
//
// Speed: a plain row loop is bound by the latency of its one running sum (each add waits for the
// previous one). The sweeps therefore take rows four at a time: their four sums are independent
// chains, and each entry of t, y or r is loaded and stored once for four rows. Within each sum the
// order of the terms is unchanged: the columns left of the four rows' diagonal block come first, in
// order, then the small triangle inside the block, row by row as the plain loop does it.
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
    const t = new Float64Array(n);
    const y = new Float64Array(n);
    upward(L, ld, n, v, b, t, y);
    const w = new Float64Array(n);
    const x = new Float64Array(n);
    // y is not needed after this sweep: its entries become the running right-hand side.
    downward(L, ld, n, t, y, w, x);
    largest = norm(w);
    v = normalize(w);
    inverseLargest = norm(x);
    b = normalize(x);
  }
  return largest * inverseLargest;
}

/** Rows upward: t = Lᵀ v (t zero on entry; axpy by rows), and L y = b (forward substitution). */
function upward(
  L: Float64Array,
  ld: number,
  n: number,
  v: Float64Array,
  b: Float64Array,
  t: Float64Array,
  y: Float64Array,
): void {
  const sums = new Float64Array(4);
  let i0 = 0;
  for (; i0 + 4 <= n; i0 += 4) {
    const o0 = i0 * ld;
    const o1 = o0 + ld;
    const o2 = o1 + ld;
    const o3 = o2 + ld;
    const v0 = v[i0];
    const v1 = v[i0 + 1];
    const v2 = v[i0 + 2];
    const v3 = v[i0 + 3];
    let s0 = b[i0];
    let s1 = b[i0 + 1];
    let s2 = b[i0 + 2];
    let s3 = b[i0 + 3];
    for (let j = 0; j < i0; j++) {
      const a0 = L[o0 + j];
      const a1 = L[o1 + j];
      const a2 = L[o2 + j];
      const a3 = L[o3 + j];
      // t[j] takes the rows' terms in row order, as four separate `t[j] += …` would.
      t[j] = t[j] + a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
      const yj = y[j];
      s0 -= a0 * yj;
      s1 -= a1 * yj;
      s2 -= a2 * yj;
      s3 -= a3 * yj;
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    // The triangle inside the block, row by row.
    for (let r = 0; r < 4; r++) upwardRow(L, ld, i0 + r, i0, v, t, y, sums[r]);
  }
  for (; i0 < n; i0++) upwardRow(L, ld, i0, 0, v, t, y, b[i0]);
}

/** Row i of the upward sweep from column `from` on, its forward-substitution sum `s` so far. */
function upwardRow(
  L: Float64Array,
  ld: number,
  i: number,
  from: number,
  v: Float64Array,
  t: Float64Array,
  y: Float64Array,
  s: number,
): void {
  const row = i * ld;
  const vi = v[i];
  for (let j = from; j < i; j++) {
    const lij = L[row + j];
    t[j] += lij * vi;
    s -= lij * y[j];
  }
  t[i] += L[row + i] * vi;
  y[i] = s / L[row + i];
}

/**
 * Rows downward: w = L t (a dot product per row), and Lᵀ x = y (back substitution, r = y is
 * overwritten with the running right-hand side).
 */
function downward(
  L: Float64Array,
  ld: number,
  n: number,
  t: Float64Array,
  r: Float64Array,
  w: Float64Array,
  x: Float64Array,
): void {
  let i0 = n - 4;
  for (; i0 >= 0; i0 -= 4) {
    // x of the block's rows first (top row down): the triangle's updates of r inside the block.
    for (let i = i0 + 3; i >= i0; i--) {
      const row = i * ld;
      const xi = r[i] / L[row + i];
      x[i] = xi;
      for (let j = i0; j < i; j++) r[j] -= L[row + j] * xi;
    }
    const o0 = i0 * ld;
    const o1 = o0 + ld;
    const o2 = o1 + ld;
    const o3 = o2 + ld;
    const x0 = x[i0];
    const x1 = x[i0 + 1];
    const x2 = x[i0 + 2];
    const x3 = x[i0 + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < i0; j++) {
      const a0 = L[o0 + j];
      const a1 = L[o1 + j];
      const a2 = L[o2 + j];
      const a3 = L[o3 + j];
      // r[j] takes the rows' terms from the top row down, as the plain loop does.
      r[j] = r[j] - a3 * x3 - a2 * x2 - a1 * x1 - a0 * x0;
      const tj = t[j];
      s0 += a0 * tj;
      s1 += a1 * tj;
      s2 += a2 * tj;
      s3 += a3 * tj;
    }
    w[i0] = finishDot(L, o0, i0, i0, t, s0);
    w[i0 + 1] = finishDot(L, o1, i0, i0 + 1, t, s1);
    w[i0 + 2] = finishDot(L, o2, i0, i0 + 2, t, s2);
    w[i0 + 3] = finishDot(L, o3, i0, i0 + 3, t, s3);
  }
  // The rows below the last whole block, one at a time.
  for (let i = i0 + 3; i >= 0; i--) {
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
}

/** (L t)_i from the dot product `s` over the columns before `from`. */
function finishDot(
  L: Float64Array,
  row: number,
  from: number,
  i: number,
  t: Float64Array,
  s: number,
): number {
  for (let j = from; j < i; j++) s += L[row + j] * t[j];
  return s + L[row + i] * t[i];
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
