// Triangular kernels in TypeScript: the O(n²)-per-right-hand-side work (solves with a few
// right-hand sides, matrix–vector products) and the small diagonal blocks of the blocked Cholesky.
// A lower-triangular factor is read through a `LowerView` — its data, the row stride and the
// order — so that the leading N×N block of a larger factor can be used without copying it.
import { zeros, type Matrix } from './matrix.js';

export interface LowerView {
  readonly data: Float64Array;
  /** Row stride of `data`. */
  readonly ld: number;
  /** Order of the (leading) triangular block in use. */
  readonly n: number;
}

export function lowerView(l: Matrix, n = l.rows): LowerView {
  if (n > l.rows || l.rows !== l.cols)
    throw new Error(`lowerView: ${n} exceeds the ${l.rows}x${l.cols} factor`);
  return { data: l.data, ld: l.cols, n };
}

export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly pivot: number,
    readonly value: number,
  ) {
    super(`matrix is not numerically positive definite: pivot ${pivot} is ${value}`);
  }
}

/**
 * Cholesky factor (lower) of a small symmetric positive definite matrix; reads the lower triangle.
 * Each entry is the plain left-looking formula, its sum in column order; the rows below the
 * diagonal go four at a time, so that four independent sums share each load of row j (a single
 * running sum is bound by the latency of its additions).
 */
export function unblockedCholesky(a: Matrix, pivotOffset = 0): Matrix {
  const n = a.rows;
  const l = zeros(n, n);
  const L = l.data;
  const A = a.data;
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    const rj = j * n;
    for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
    if (!(d > 0)) throw new NotPositiveDefiniteError(pivotOffset + j, d);
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    let i = j + 1;
    for (; i + 4 <= n; i += 4) {
      const [r0, r1, r2, r3] = [i * n, (i + 1) * n, (i + 2) * n, (i + 3) * n];
      let s0 = A[r0 + j];
      let s1 = A[r1 + j];
      let s2 = A[r2 + j];
      let s3 = A[r3 + j];
      for (let k = 0; k < j; k++) {
        const ljk = L[rj + k];
        s0 -= L[r0 + k] * ljk;
        s1 -= L[r1 + k] * ljk;
        s2 -= L[r2 + k] * ljk;
        s3 -= L[r3 + k] * ljk;
      }
      L[r0 + j] = s0 / ljj;
      L[r1 + j] = s1 / ljj;
      L[r2 + j] = s2 / ljj;
      L[r3 + j] = s3 / ljj;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / ljj;
    }
  }
  return l;
}

/**
 * L⁻¹ of a small lower-triangular matrix by forward substitution:
 * X[i][j] = −(Σ_{k=j}^{i−1} L[i][k]·X[k][j]) / L[i][i], each sum in k order. Four columns j go
 * together (four independent sums sharing each L[i][k]), the first three terms of the later ones
 * taken in turn so that every sum still starts at its own k = j.
 */
export function invertLower(l: Matrix): Matrix {
  const n = l.rows;
  const inv = zeros(n, n);
  const L = l.data;
  const X = inv.data;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const lii = L[ri + i];
    X[ri + i] = 1 / lii;
    let j = 0;
    for (; j + 4 <= i; j += 4) {
      const [a, b, c] = [L[ri + j], L[ri + j + 1], L[ri + j + 2]];
      const [x0, x1, x2] = [j * n + j, (j + 1) * n + j, (j + 2) * n + j];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      s0 += a * X[x0];
      s0 += b * X[x1];
      s1 += b * X[x1 + 1];
      s0 += c * X[x2];
      s1 += c * X[x2 + 1];
      s2 += c * X[x2 + 2];
      for (let k = j + 3; k < i; k++) {
        const lik = L[ri + k];
        const xk = k * n + j;
        s0 += lik * X[xk];
        s1 += lik * X[xk + 1];
        s2 += lik * X[xk + 2];
        s3 += lik * X[xk + 3];
      }
      X[ri + j] = -s0 / lii;
      X[ri + j + 1] = -s1 / lii;
      X[ri + j + 2] = -s2 / lii;
      X[ri + j + 3] = -s3 / lii;
    }
    for (; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += L[ri + k] * X[k * n + j];
      X[ri + j] = -s / lii;
    }
  }
  return inv;
}

/** Solves L X = B (B is n × k, row-major). */
export function solveLower(l: LowerView, b: Matrix): Matrix {
  const { data: L, ld, n } = l;
  checkRows(n, b);
  const k = b.cols;
  if (k === 1) return { rows: n, cols: 1, data: forwardVector(l, b.data) };
  const x = zeros(n, k);
  const X = x.data;
  const acc = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) acc[c] = b.data[i * k + c];
    const row = i * ld;
    for (let j = 0; j < i; j++) {
      const lij = L[row + j];
      const xj = j * k;
      for (let c = 0; c < k; c++) acc[c] -= lij * X[xj + c];
    }
    const inv = 1 / L[row + i];
    for (let c = 0; c < k; c++) X[i * k + c] = acc[c] * inv;
  }
  return x;
}

/** Solves Lᵀ X = B (B is n × k): back substitution that walks L by rows, for cache-friendliness. */
export function solveLowerTransposed(l: LowerView, b: Matrix): Matrix {
  const { data: L, ld, n } = l;
  checkRows(n, b);
  const k = b.cols;
  if (k === 1) return { rows: n, cols: 1, data: backwardVector(l, b.data) };
  const x = zeros(n, k);
  const X = x.data;
  const r = Float64Array.from(b.data.subarray(0, n * k));
  for (let i = n - 1; i >= 0; i--) {
    const row = i * ld;
    const inv = 1 / L[row + i];
    for (let c = 0; c < k; c++) X[i * k + c] = r[i * k + c] * inv;
    for (let j = 0; j < i; j++) {
      const lij = L[row + j];
      const rj = j * k;
      for (let c = 0; c < k; c++) r[rj + c] -= lij * X[i * k + c];
    }
  }
  return x;
}

/** Solves (L Lᵀ) X = B. */
export function choleskySolve(l: LowerView, b: Matrix): Matrix {
  return solveLowerTransposed(l, solveLower(l, b));
}

/** (L Lᵀ) v for a vector v: the Gram matrix applied through its factor. */
export function multiplyFactored(l: LowerView, v: Float64Array): Float64Array {
  const { data: L, ld, n } = l;
  const t = new Float64Array(n); // t = Lᵀ v
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    const row = i * ld;
    for (let j = 0; j <= i; j++) t[j] += L[row + j] * vi;
  }
  const out = new Float64Array(n); // out = L t
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * ld;
    for (let j = 0; j <= i; j++) s += L[row + j] * t[j];
    out[i] = s;
  }
  return out;
}

// Single right-hand side: the same substitutions without the inner loop over columns.
function forwardVector({ data: L, ld, n }: LowerView, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * ld;
    let s = b[i];
    for (let j = 0; j < i; j++) s -= L[row + j] * x[j];
    x[i] = s / L[row + i];
  }
  return x;
}

function backwardVector({ data: L, ld, n }: LowerView, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  const r = Float64Array.from(b.subarray(0, n));
  for (let i = n - 1; i >= 0; i--) {
    const row = i * ld;
    const xi = r[i] / L[row + i];
    x[i] = xi;
    for (let j = 0; j < i; j++) r[j] -= L[row + j] * xi;
  }
  return x;
}

function checkRows(n: number, b: Matrix): void {
  if (b.rows !== n) throw new Error(`triangular solve: right-hand side has ${b.rows} rows, expected ${n}`);
}
