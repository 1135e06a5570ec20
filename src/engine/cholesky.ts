// Blocked Cholesky factorisation A = L Lᵀ in f64, recursive on halves: the diagonal leaves are
// factored in TypeScript, while the O(n³) work — the triangular solve of the off-diagonal panel and
// the trailing update A22 − L21 L21ᵀ — runs as ONNX Runtime GEMMs. The triangular solves with a
// factor work on (offset, order) windows of it, so the inverses of its ≤ LEAF diagonal blocks are
// computed once per factor and reused by every later solve.
import { gemm, gemmAdd } from './gemm.js';
import { block, setBlock, transpose, zeros, type Matrix } from './matrix.js';
import { invertLower, unblockedCholesky } from './triangular.js';

/** Blocks at or below this order are factored / inverted in TypeScript. */
const LEAF = 128;

/** The lower Cholesky factor of a symmetric positive definite matrix (only its lower triangle is read). */
export async function cholesky(a: Matrix): Promise<Matrix> {
  if (a.rows !== a.cols) throw new Error(`cholesky: matrix is ${a.rows}x${a.cols}, not square`);
  const l = zeros(a.rows, a.rows);
  await factorInto(a, l, 0);
  return l;
}

/** Factors the contiguous matrix `a` into the diagonal window of `l` that starts at `o`. */
async function factorInto(a: Matrix, l: Matrix, o: number): Promise<void> {
  const n = a.rows;
  if (n <= LEAF) {
    setBlock(l, o, o, unblockedCholesky(a, o));
    return;
  }
  const n1 = splitPoint(n);
  await factorInto(block(a, 0, n1, 0, n1), l, o);
  const l21 = await solveWindowRightTransposed(l, o, n1, block(a, n1, n, 0, n1));
  setBlock(l, o + n1, o, l21);
  const schur = await gemmAdd(block(a, n1, n, n1, n), l21, l21, { transB: true, alpha: -1, beta: 1 });
  await factorInto(schur, l, o + n1);
}

/** Solves X Lᵀ = B for X (L lower triangular n × n, B m × n). */
export function solveRightTransposed(l: Matrix, b: Matrix): Promise<Matrix> {
  if (b.cols !== l.rows) throw new Error(`solveRightTransposed: B has ${b.cols} columns, expected ${l.rows}`);
  return solveWindowRightTransposed(l, 0, l.rows, b);
}

/** Solves X L = B for X (L lower triangular n × n, B m × n). */
export function solveRight(l: Matrix, b: Matrix): Promise<Matrix> {
  if (b.cols !== l.rows) throw new Error(`solveRight: B has ${b.cols} columns, expected ${l.rows}`);
  return solveWindowRight(l, 0, l.rows, b);
}

/**
 * Solves (L Lᵀ) X = B with the O(n²k) work in GEMMs: Xᵀ = ((Bᵀ L⁻ᵀ) L⁻¹), i.e. one
 * solveRightTransposed and one solveRight on the transposed right-hand side.
 */
export async function choleskySolveBlocked(l: Matrix, b: Matrix): Promise<Matrix> {
  if (b.rows !== l.rows) throw new Error(`choleskySolve: B has ${b.rows} rows, expected ${l.rows}`);
  const wT = await solveRightTransposed(l, transpose(b)); // Wᵀ with L W = B
  return transpose(await solveRight(l, wT)); // Lᵀ X = W
}

// X L_wᵀ = B, L_w the n × n diagonal window of l at o: [X1 X2] [L11ᵀ L21ᵀ; 0 L22ᵀ] = [B1 B2].
async function solveWindowRightTransposed(l: Matrix, o: number, n: number, b: Matrix): Promise<Matrix> {
  if (n <= LEAF) return gemm(b, leafInverse(l, o, n), { transB: true });
  const n1 = splitPoint(n);
  const m = b.rows;
  const x1 = await solveWindowRightTransposed(l, o, n1, block(b, 0, m, 0, n1));
  const l21 = block(l, o + n1, o + n, o, o + n1);
  const b2 = await gemmAdd(block(b, 0, m, n1, n), x1, l21, { transB: true, alpha: -1, beta: 1 });
  const x2 = await solveWindowRightTransposed(l, o + n1, n - n1, b2);
  return joinColumns(x1, x2);
}

// X L_w = B: [X1 X2] [L11 0; L21 L22] = [X1 L11 + X2 L21, X2 L22], so X2 first, then X1.
async function solveWindowRight(l: Matrix, o: number, n: number, b: Matrix): Promise<Matrix> {
  if (n <= LEAF) return gemm(b, leafInverse(l, o, n));
  const n1 = splitPoint(n);
  const m = b.rows;
  const x2 = await solveWindowRight(l, o + n1, n - n1, block(b, 0, m, n1, n));
  const l21 = block(l, o + n1, o + n, o, o + n1);
  const b1 = await gemmAdd(block(b, 0, m, 0, n1), x2, l21, { alpha: -1, beta: 1 });
  const x1 = await solveWindowRight(l, o, n1, b1);
  return joinColumns(x1, x2);
}

// Inverses of diagonal leaves, per factor: the recursion always cuts a factor at the same places.
const leafInverses = new WeakMap<Float64Array, Map<number, Matrix>>();

function leafInverse(l: Matrix, o: number, n: number): Matrix {
  let cache = leafInverses.get(l.data);
  if (!cache) leafInverses.set(l.data, (cache = new Map()));
  const key = o * (LEAF + 1) + n;
  let inv = cache.get(key);
  if (!inv) cache.set(key, (inv = invertLower(block(l, o, o + n, o, o + n))));
  return inv;
}

function joinColumns(x1: Matrix, x2: Matrix): Matrix {
  const x = zeros(x1.rows, x1.cols + x2.cols);
  setBlock(x, 0, 0, x1);
  setBlock(x, 0, x1.cols, x2);
  return x;
}

/** Halves, rounded to a multiple of 64 so that leaves have friendly sizes. */
function splitPoint(n: number): number {
  return Math.max(64, Math.round(n / 2 / 64) * 64);
}
