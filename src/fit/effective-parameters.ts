// Effective parameters of a linear smoother (Curth, Jeffares & van der Schaar 2023, arXiv 2310.18988,
// §4): every fit of the whole-curve solver is linear in the targets, ŷ(x₀) = ŝ(x₀)ᵀ Y, with the
// smoother weights ŝ(x₀) ∈ ℝⁿ of a point x₀ (the same for every output column). Two counts:
//   train  p_train = tr(S), S the n × n smoother on the training inputs (the classical degrees of
//          freedom; = ‖S‖²_F, the paper's p^train, whenever S is a projection, i.e. ridge 0);
//   test   p_test  = n/|I_test| · Σ_{x₀ ∈ test} ‖ŝ(x₀)‖², the paper's generalized effective number
//          of parameters on unseen inputs. I_test is the first `testRows` test rows: a caller may
//          append rows that are not test inputs (linear-gaussian's basis vectors, which read off β̂).
// They come from the factor the solver already has — never a second factorisation:
//  - below the threshold, L Lᵀ = FᵀF + μI (μ = ridge/s² plus any jitter): S = X Xᵀ with X = F L⁻ᵀ,
//    S_test = Y Xᵀ with Y = F₀ L⁻ᵀ, so tr(S) = ‖X‖²_F and ‖S_test‖²_F = ‖Y Xᵀ‖²_F; with μ = 0, XᵀX = I
//    and ‖S_test‖_F = ‖Y‖_F. Column j of F L⁻ᵀ depends only on the leading (j+1) × (j+1) block of L,
//    so one triangular solve with the shared factor serves every N (prefix sums of column norms);
//  - at and above it, L Lᵀ = K + μI with K = Z Zᵀ: S = K (K + μI)⁻¹, tr(S) = n − μ‖L⁻¹‖²_F, and
//    S_test = C (K + μI)⁻¹ with the cross kernel C = Z₀ Zᵀ, which the solver keeps as a running sum
//    over feature blocks exactly like K.
import { gemm } from '../engine/gemm.js';
import { identity, type Matrix } from '../engine/matrix.js';
import { solveRight, solveRightTransposed } from '../engine/cholesky.js';
import type { ColumnBlocks } from './column-blocks.js';

export interface EffectiveParameters {
  /** tr(S) on the training inputs. */
  train: number;
  /** n/|test| · Σ ‖ŝ(x₀)‖² over the test inputs. */
  test: number;
}

/** Rows per chunk of the test features: bounds the memory of a pass, not its result. */
const ROW_CHUNK = 2048;

/**
 * Below the threshold with an unshifted factor (ridge 0, no jitter): `factor` is the Cholesky factor
 * of FᵀF for the first `order` columns; returns the counts of the models with each of `sizes` (≤ order)
 * leading columns, from one solve.
 */
export async function leadingEffectiveParameters(
  factor: Matrix,
  order: number,
  train: ColumnBlocks,
  test: ColumnBlocks,
  sizes: number[],
  testRows = test.rows,
): Promise<EffectiveParameters[]> {
  const l = order === factor.rows ? factor : leadingBlock(factor, order);
  const trainColumns = await columnSquares(l, train, order, train.rows);
  const testColumns = await columnSquares(l, test, order, testRows);
  const prefix = (c: Float64Array, k: number) => {
    let s = 0;
    for (let j = 0; j < k; j++) s += c[j];
    return s;
  };
  return sizes.map((nf) => ({
    train: prefix(trainColumns, nf),
    test: (train.rows / testRows) * prefix(testColumns, nf),
  }));
}

/** Below the threshold with a shifted factor L Lᵀ = FᵀF + μI of the first `nf` columns (any μ ≥ 0). */
export async function shiftedEffectiveParameters(
  factor: Matrix,
  train: ColumnBlocks,
  test: ColumnBlocks,
  nf: number,
  testRows = test.rows,
): Promise<EffectiveParameters> {
  const x = await solveRightTransposed(factor, train.concat(nf)); // n × N
  let testSum = 0;
  for (let r0 = 0; r0 < testRows; r0 += ROW_CHUNK) {
    const y = await solveRightTransposed(factor, test.concatRows(nf, r0, Math.min(r0 + ROW_CHUNK, testRows)));
    testSum += sumOfSquares(await gemm(y, x, { transB: true })); // rows of S_test
  }
  return { train: sumOfSquares(x), test: (train.rows / testRows) * testSum };
}

/**
 * At and above the threshold: `factor` is the Cholesky factor of K + μI (K = Z Zᵀ, μ = ridge + jitter)
 * and `cross` is C = Z₀ Zᵀ (test rows × n), scaled like K.
 */
export async function kernelEffectiveParameters(
  factor: Matrix,
  shift: number,
  cross: Matrix,
  testRows = cross.rows,
): Promise<EffectiveParameters> {
  const n = factor.rows;
  // tr(K (K + μI)⁻¹) = n − μ tr((K + μI)⁻¹), and tr((L Lᵀ)⁻¹) = ‖L⁻¹‖²_F; with μ = 0, S = I.
  const train = shift === 0 ? n : n - shift * sumOfSquares(await solveRight(factor, identity(n)));
  let testSum = 0;
  for (let r0 = 0; r0 < testRows; r0 += ROW_CHUNK) {
    const rows = cross.data.subarray(r0 * n, Math.min(r0 + ROW_CHUNK, testRows) * n);
    const c = { rows: rows.length / n, cols: n, data: rows };
    // Rows of S_test = C L⁻ᵀ L⁻¹.
    testSum += sumOfSquares(await solveRight(factor, await solveRightTransposed(factor, c)));
  }
  return { train, test: (n / testRows) * testSum };
}

/** Σ_i (B L⁻ᵀ)_ij² per column j, B the first `rows` rows and leading `order` columns of `blocks`, in row chunks. */
async function columnSquares(
  l: Matrix,
  blocks: ColumnBlocks,
  order: number,
  rows: number,
): Promise<Float64Array> {
  const out = new Float64Array(order);
  for (let r0 = 0; r0 < rows; r0 += ROW_CHUNK) {
    const x = await solveRightTransposed(l, blocks.concatRows(order, r0, Math.min(r0 + ROW_CHUNK, rows)));
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < order; j++) out[j] += x.data[i * order + j] ** 2;
  }
  return out;
}

function leadingBlock(l: Matrix, k: number): Matrix {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) out.set(l.data.subarray(i * l.cols, i * l.cols + k), i * k);
  return { rows: k, cols: k, data: out };
}

function sumOfSquares(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * a.data[i];
  return s;
}
