// Blocked Cholesky factorisation A = L Lᵀ in f64, recursive on halves: the diagonal leaves are
// factored in TypeScript, while the O(n³) work — the triangular solve of the off-diagonal panel and
// the trailing update A22 − L21 L21ᵀ — runs as ONNX Runtime GEMMs.
import { gemm, gemmAdd } from './gemm.js';
import { block, setBlock, zeros, type Matrix } from './matrix.js';
import { invertLower, unblockedCholesky } from './triangular.js';

/** Blocks at or below this order are factored / inverted in TypeScript. */
const LEAF = 128;

/** The lower Cholesky factor of a symmetric positive definite matrix (only its lower triangle is read). */
export async function cholesky(a: Matrix): Promise<Matrix> {
  if (a.rows !== a.cols) throw new Error(`cholesky: matrix is ${a.rows}x${a.cols}, not square`);
  return factor(a, 0);
}

async function factor(a: Matrix, offset: number): Promise<Matrix> {
  const n = a.rows;
  if (n <= LEAF) return unblockedCholesky(a, offset);
  const n1 = splitPoint(n);
  const l11 = await factor(block(a, 0, n1, 0, n1), offset);
  const l21 = await solveRightTransposed(l11, block(a, n1, n, 0, n1));
  const schur = await gemmAdd(block(a, n1, n, n1, n), l21, l21, { transB: true, alpha: -1, beta: 1 });
  const l22 = await factor(schur, offset + n1);
  const l = zeros(n, n);
  setBlock(l, 0, 0, l11);
  setBlock(l, n1, 0, l21);
  setBlock(l, n1, n1, l22);
  return l;
}

/**
 * Solves X Lᵀ = B for X (L lower triangular n × n, B m × n), recursively: the leaves multiply by
 * the explicit inverse of a ≤128×128 diagonal block (as GPU BLAS libraries do), everything else is
 * a GEMM update.
 */
export async function solveRightTransposed(l: Matrix, b: Matrix): Promise<Matrix> {
  const n = l.rows;
  if (b.cols !== n) throw new Error(`solveRightTransposed: B has ${b.cols} columns, expected ${n}`);
  if (n <= LEAF) return gemm(b, invertLower(l), { transB: true });
  const n1 = splitPoint(n);
  const m = b.rows;
  const x1 = await solveRightTransposed(block(l, 0, n1, 0, n1), block(b, 0, m, 0, n1));
  const b2 = await gemmAdd(block(b, 0, m, n1, n), x1, block(l, n1, n, 0, n1), {
    transB: true,
    alpha: -1,
    beta: 1,
  });
  const x2 = await solveRightTransposed(block(l, n1, n, n1, n), b2);
  const x = zeros(m, n);
  setBlock(x, 0, 0, x1);
  setBlock(x, 0, n1, x2);
  return x;
}

/** Halves, rounded to a multiple of 64 so that leaves have friendly sizes. */
function splitPoint(n: number): number {
  return Math.max(64, Math.round(n / 2 / 64) * 64);
}
