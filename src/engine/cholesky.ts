// Cholesky factorisation A = L Lᵀ in f64 with the O(n³) work in ONNX Runtime GEMMs, and the solves
// that use its factor.
//
// The factorisation is left-looking by column panels (panelWidth: 128 or 256 columns), grouped into
// super-panels (superPanelWidth). A super-panel first receives the update of every column left of
// it in one GEMM, A[c:n, S] − L[c:n, 0:c]·L[S, 0:c]ᵀ, whose inner dimension c grows to n — the
// shape ORT's GEMM runs fastest (a right-looking update does the same flops as many products of
// inner dimension w, measured 1.5× slower). Each panel inside it then receives the update of the
// super-panel's columns left of it, has its diagonal block factored in TypeScript, and the rows
// below solved against that block through its inverse. Only the lower triangle is ever computed:
// n³/3 flops.
//
// Why super-panels: ORT tensors are dense, so the columns left of an update are copied out of the
// factor first. Updating every panel from column 0 copies n³/(6w) values (5 GB at n = 10⁴); the
// wide outer update copies n³/(6W), and the narrow inner ones add about n²·W/(4w).
//
// The triangular solves walk the factor by row panels, which are contiguous in row-major order;
// their entries above the diagonal are exact zeros, so a whole row panel can enter a GEMM.
import { gemm, gemmAdd } from './gemm.js';
import { block, matrix, rowsView, setBlock, zeros, type Matrix } from './matrix.js';
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

/** Width of the super-panels: a multiple of panelWidth(n). */
export function superPanelWidth(n: number): number {
  return n <= 4096 ? panelWidth(n) : 4 * panelWidth(n);
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
  readonly left: Float64Array;
  readonly superPanel: Float64Array;
  readonly panel: Float64Array;
  readonly below: Float64Array;

  constructor(readonly n: number) {
    const w = panelWidth(n);
    const sw = superPanelWidth(n);
    this.factor = zeros(n, n);
    // The columns left of an update: at most n²/4 values (outer), n·sw (inner).
    this.left = new Float64Array(Math.max(Math.floor((n * n) / 4) + n, sw === w ? 0 : n * sw));
    this.superPanel = new Float64Array(n * sw);
    this.panel = new Float64Array(sw === w ? 0 : n * w);
    this.below = new Float64Array(n * w);
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
  const width = panelWidth(n);
  // T −= L[r:n, c:r] · L[r:r+w, c:r]ᵀ (w = T's width): the update of the (super-)panel at column r by
  // the factor's columns [c, r), copied out first (ORT's tensors are dense).
  const subtractLeft = async (t: Matrix, r: number, c: number) => {
    if (c >= r) return;
    const lLeft = block(l, r, n, c, r, space.left);
    await gemmAdd(t, lLeft, rowsView(lLeft, 0, t.cols), { transB: true, alpha: -1, beta: 1, into: t });
  };
  const superCuts = panelCuts(n, superPanelWidth(n));
  for (let s = 0; s + 1 < superCuts.length; s++) {
    const [s0, s1] = [superCuts[s], superCuts[s + 1]];
    // S = A[s0:n, s0:s1] + shift·I − L[s0:n, 0:s0] · L[s0:s1, 0:s0]ᵀ.
    const sp = source.copyBlock(s0, n, s0, s1, space.superPanel);
    if (shift !== 0) for (let i = 0; i < s1 - s0; i++) sp.data[i * sp.cols + i] += shift;
    await subtractLeft(sp, s0, 0);
    const cuts = panelCuts(s1 - s0, width).map((c) => s0 + c);
    for (let j = 0; j + 1 < cuts.length; j++) {
      const [c0, c1] = [cuts[j], cuts[j + 1]];
      const w = c1 - c0;
      const m = n - c0;
      // P = S[c0:n, c0:c1] − L[c0:n, s0:c0] · L[c0:c1, s0:c0]ᵀ (the panel is S itself when alone).
      const p = cuts.length === 2 ? sp : block(sp, c0 - s0, n - s0, c0 - s0, c1 - s0, space.panel);
      await subtractLeft(p, c0, s0);
      const diagonal = unblockedCholesky(rowsView(p, 0, w), c0);
      setBlock(l, c0, c0, diagonal);
      const inverse = invertLower(diagonal);
      inverses.push(inverse);
      if (m > w) {
        // L[c1:n, c0:c1] = P[w:m] · L_jj⁻ᵀ.
        const solved = await gemm(rowsView(p, w, m), inverse, {
          transB: true,
          into: matrix(m - w, w, space.below.subarray(0, (m - w) * w)),
        });
        setBlock(l, c1, c0, solved);
      }
    }
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
