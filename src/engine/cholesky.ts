// Cholesky factorisation A = L Lᵀ in f64 with the O(n³) work in ONNX Runtime GEMMs, and the solves
// that use its factor.
//
// The factorisation is left-looking by column panels (panelWidth: 128 or 256 columns). Panel j
// first receives the update of every column left of it, A[c:n, P] − Σ_{i<j} L[c:n, Pᵢ]·L[P, Pᵢ]ᵀ,
// in one call: a chain of Gemm nodes (subtractProductSum), one per left panel, each adding into the
// previous one's result. Its diagonal block is then factored in TypeScript, and the rows below it
// solved against that block through its inverse. Only the lower triangle is ever computed: n³/3
// flops.
//
// Why a chain over column panels: ORT tensors are dense, so one GEMM over the columns left of a
// panel needs them copied side by side out of the row-major factor: n³/(6w) values per
// factorisation, 5 GB at n = 10⁴ (1.3 GB when grouped in super-panels of 1024 columns, the layout
// this replaced). The workspace keeps each finished panel as a dense matrix of its own
// (rows c:n of its columns), whose rows c:n are contiguous for every later c: the chain reads them
// in place. Its inner dimensions are whole panels, which ORT's GEMM blocks by anyway, so the
// products cost what one wide GEMM does. Measured against the super-panels, paired: the same bits up
// to n = 5000 (different in the last bits at 10⁴), as fast at n = 2000, 22% faster at 5000 and 16%
// at 10⁴ (medians).
//
// The triangular solves walk the factor by row panels, which are contiguous in row-major order;
// their entries above the diagonal are exact zeros, so a whole row panel can enter a GEMM.
import { gemm, gemmAdd, subtractProductSum } from './gemm.js';
import { block, rowsView, setBlock, zeros, type Matrix } from './matrix.js';
import { invertLower, unblockedCholesky } from './triangular.js';

/**
 * Width of the column panels of the factorisation and of the row panels of the solves. Each panel
 * costs 2·w³/3 flops of TypeScript (its diagonal block's factor and inverse), so narrow panels for
 * small orders, where the TypeScript dominates, and wide ones for large orders, where the copies
 * would.
 */
export function panelWidth(n: number): number {
  return n <= 4096 ? 128 : 256;
}

/** Blocks at or below this order are inverted in TypeScript by solveRight/solveRightTransposed. */
const LEAF = 128;

/**
 * The lower triangle of a symmetric matrix, copied out a block at a time: a Matrix (symmetricSource),
 * or a matrix that lives in another form, such as a kernel accumulated by row panels.
 */
export interface SymmetricSource {
  readonly order: number;
  /**
   * Rows [r0, r1) × columns [c0, c1) into the start of `into`, row-major. Only the entries on or
   * below the diagonal are read; the others may hold anything.
   */
  copyBlock(r0: number, r1: number, c0: number, c1: number, into: Float64Array): Matrix;
}

/** A matrix as a source (checked square), or the source itself. */
export function symmetricSource(a: Matrix | SymmetricSource): SymmetricSource {
  if ('copyBlock' in a) return a;
  if (a.rows !== a.cols) throw new Error(`cholesky: matrix is ${a.rows}x${a.cols}, not square`);
  return { order: a.rows, copyBlock: (r0, r1, c0, c1, into) => block(a, r0, r1, c0, c1, into) };
}

/**
 * The factor's n × n buffer and the factorisation's scratch, for a caller that factors many
 * matrices of one order: fresh buffers of n² doubles cost their page faults and zeroing each time
 * (at n = 10⁴, about as long as a fifth of the factorisation's GEMMs).
 */
export class CholeskyWorkspace {
  /** The last factor. Entries above its diagonal blocks are never written: they stay zero. */
  readonly factor: Matrix;
  /**
   * Column panel j of the last factor as a dense matrix of its own: rows [cⱼ, n) of columns
   * [cⱼ, cⱼ₊₁). Later panels' updates read its rows [c, n) in place (about n²/2 values in all).
   */
  readonly panels: Matrix[];
  /** A panel's update before it is factored (n × panelWidth(n) at most). */
  readonly update: Float64Array;

  constructor(readonly n: number) {
    const cuts = panelCuts(n, panelWidth(n));
    this.factor = zeros(n, n);
    this.panels = cuts.slice(0, -1).map((c0, j) => zeros(n - c0, cuts[j + 1] - c0));
    this.update = new Float64Array(n * panelWidth(n));
  }
}

export interface CholeskyOptions {
  /** Factor A + shift·I (the shift added to the diagonal as it is read). */
  shift?: number;
  /**
   * Write the factor into this workspace's buffer, overwriting the previous factor, instead of a
   * new matrix.
   */
  workspace?: CholeskyWorkspace;
}

/**
 * The lower Cholesky factor of a symmetric positive definite matrix (only its lower triangle is
 * read; `a` is left unchanged). Throws NotPositiveDefiniteError naming the first failing pivot.
 * With a workspace the factor is the workspace's buffer, valid until its next factorisation.
 */
export async function cholesky(a: Matrix | SymmetricSource, options: CholeskyOptions = {}): Promise<Matrix> {
  const source = symmetricSource(a);
  const n = source.order;
  const shift = options.shift ?? 0;
  const space = options.workspace ?? new CholeskyWorkspace(n);
  if (space.n !== n) throw new Error(`cholesky: workspace of order ${space.n}, matrix of order ${n}`);
  const l = space.factor;
  // A reused buffer: the previous factor's inverses are stale.
  leafInverses.delete(l.data);
  panelInverses.delete(l.data);
  const inverses: Matrix[] = [];
  const cuts = panelCuts(n, panelWidth(n));
  for (let j = 0; j + 1 < cuts.length; j++) {
    const [c0, c1] = [cuts[j], cuts[j + 1]];
    const w = c1 - c0;
    const m = n - c0;
    // T = A[c0:n, c0:c1] + shift·I − Σ_{i<j} L[c0:n, Pᵢ] · L[c0:c1, Pᵢ]ᵀ, the left panels read in place.
    const t = source.copyBlock(c0, n, c0, c1, space.update);
    if (shift !== 0) for (let i = 0; i < w; i++) t.data[i * w + i] += shift;
    const left = space.panels.slice(0, j).map((p, i) => {
      const r = c0 - cuts[i]; // panel i's row of the factor's row c0
      return [rowsView(p, r, p.rows), rowsView(p, r, r + w)] as const;
    });
    await subtractProductSum(t, left, t);
    const panel = space.panels[j];
    const diagonal = unblockedCholesky(rowsView(t, 0, w), c0);
    panel.data.set(diagonal.data);
    const inverse = invertLower(diagonal);
    inverses.push(inverse);
    // L[c1:n, c0:c1] = T[w:m] · L_jj⁻ᵀ, straight into the panel.
    if (m > w) await gemm(rowsView(t, w, m), inverse, { transB: true, into: rowsView(panel, w, m) });
    setBlock(l, c0, c0, panel);
  }
  panelInverses.set(l.data, inverses);
  return l;
}

/** Panel boundaries 0, w, 2w, …, n. */
function panelCuts(n: number, w: number): number[] {
  const cuts: number[] = [];
  for (let c = 0; c < n; c += w) cuts.push(c);
  cuts.push(n);
  return cuts;
}

// The inverses of a factor's diagonal panel blocks (panels of panelWidth(l.rows)), made by
// `cholesky` or on a solve's first use.
const panelInverses = new WeakMap<Float64Array, Matrix[]>();

/**
 * The inverse of diagonal panel block j of the leading `order` × `order` block of l: the leading
 * block of the whole block's inverse (the inverse of a lower-triangular matrix's leading block is
 * the leading block of its inverse).
 */
function panelInverse(l: Matrix, j: number, order: number): Matrix {
  let cached = panelInverses.get(l.data);
  if (!cached) panelInverses.set(l.data, (cached = []));
  const width = panelWidth(l.rows);
  const c0 = j * width;
  const c1 = Math.min(c0 + width, l.rows);
  cached[j] ??= invertLower(block(l, c0, c1, c0, c1));
  const inverse = cached[j];
  const w = Math.min(c1, order) - c0;
  return w === inverse.rows ? inverse : block(inverse, 0, w, 0, w);
}

/**
 * Solves (L Lᵀ) X = B, L the leading `order` × `order` block of the factor l (default: all of it),
 * B of `order` rows. The O(n²k) work runs as GEMMs on whole row panels of l.
 */
export async function choleskySolveBlocked(l: Matrix, b: Matrix, order = l.rows): Promise<Matrix> {
  if (!(Number.isInteger(order) && order >= 0 && order <= l.rows))
    throw new Error(`choleskySolve: order ${order} outside [0, ${l.rows}]`);
  if (b.rows !== order) throw new Error(`choleskySolve: B has ${b.rows} rows, expected ${order}`);
  const n = l.rows;
  const k = b.cols;
  // The factor's own panels, the last one cut at `order`.
  const cuts = panelCuts(order, panelWidth(n));
  const panels = cuts.length - 1;
  // Forward, L Y = B. Y has n rows, zero beyond those solved, so a row panel of l (n columns) times
  // Y is the sum over the solved columns only.
  const y = zeros(n, k);
  for (let j = 0; j < panels; j++) {
    const [c0, c1] = [cuts[j], cuts[j + 1]];
    const residual = block(b, c0, c1, 0, k);
    if (c0 > 0) await gemmAdd(residual, rowsView(l, c0, c1), y, { alpha: -1, beta: 1, into: residual });
    multiplyInto(panelInverse(l, j, order), residual, false, y.data.subarray(c0 * k, c1 * k));
  }
  // Backward, Lᵀ X = Y: solve the last panel first, then remove its columns' share from the rows
  // above (the GEMM also touches rows of this panel and below, which are no longer read).
  const x = zeros(order, k);
  for (let j = panels - 1; j >= 0; j--) {
    const [c0, c1] = [cuts[j], cuts[j + 1]];
    const solved = { rows: c1 - c0, cols: k, data: x.data.subarray(c0 * k, c1 * k) };
    multiplyInto(panelInverse(l, j, order), rowsView(y, c0, c1), true, solved.data);
    if (c0 > 0) await gemmAdd(y, rowsView(l, c0, c1), solved, { transA: true, alpha: -1, beta: 1, into: y });
  }
  return x;
}

/**
 * out = M·R, or Mᵀ·R, for the lower-triangular inverse M of a diagonal block: the diagonal step of
 * the solves, as row updates (axpy) over M's nonzero half so that every inner loop is contiguous.
 */
function multiplyInto(m: Matrix, r: Matrix, transposeM: boolean, out: Float64Array): void {
  const w = r.rows;
  const k = r.cols;
  const M = m.data;
  const R = r.data;
  out.fill(0, 0, w * k);
  for (let i = 0; i < w; i++) {
    for (let t = 0; t <= i; t++) {
      // M[i][t] links output row i to R's row t; transposed, output row t to R's row i.
      const mit = M[i * m.cols + t];
      const to = transposeM ? t * k : i * k;
      const from = transposeM ? i * k : t * k;
      for (let c = 0; c < k; c++) out[to + c] += mit * R[from + c];
    }
  }
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
