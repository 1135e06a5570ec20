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

/** Cholesky factor (lower) of a small symmetric positive definite matrix; reads the lower triangle. */
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
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / ljj;
    }
  }
  return l;
}

/** L⁻¹ of a small lower-triangular matrix (column by column forward substitution). */
export function invertLower(l: Matrix): Matrix {
  const n = l.rows;
  const inv = zeros(n, n);
  const L = l.data;
  const X = inv.data;
  for (let i = 0; i < n; i++) {
    X[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += L[i * n + k] * X[k * n + j];
      X[i * n + j] = -s / L[i * n + i];
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
