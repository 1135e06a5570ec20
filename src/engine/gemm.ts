// General matrix multiply in f64 through ONNX Runtime's Gemm: C' = alpha·op(A)·op(B) + beta·C.
// All O(n³) products of the solvers go through here.
import { GraphBuilder } from './onnx-graph.js';
import { cachedSession, matrixTensor, runIntoMatrix, runToMatrix } from './session-cache.js';
import type { Matrix } from './matrix.js';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  /**
   * Write the product into this matrix (of the result's shape) instead of a new one, so a caller that
   * updates one matrix per step (the Cholesky's panels, the kernel's panels) keeps one buffer. It may
   * be C itself (an in-place update: ORT copies C into the output before the product, element for
   * element, so the result is the same bits), but never A or B.
   */
  into?: Matrix;
}

/** op(A)·op(B) scaled by alpha. */
export function gemm(a: Matrix, b: Matrix, options: GemmOptions = {}): Promise<Matrix> {
  return run(a, b, undefined, options);
}

/** alpha·op(A)·op(B) + beta·C, as a new matrix. */
export function gemmAdd(c: Matrix, a: Matrix, b: Matrix, options: GemmOptions = {}): Promise<Matrix> {
  return run(a, b, c, options);
}

/** AᵀA (the Gram matrix of A's columns). */
export function gramOfColumns(a: Matrix): Promise<Matrix> {
  return gemm(a, a, { transA: true });
}

/** AAᵀ (the Gram matrix of A's rows). */
export function gramOfRows(a: Matrix): Promise<Matrix> {
  return gemm(a, a, { transB: true });
}

async function run(a: Matrix, b: Matrix, c: Matrix | undefined, options: GemmOptions): Promise<Matrix> {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 1;
  const [m, k] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
  const [k2, n] = transB ? [b.cols, b.rows] : [b.rows, b.cols];
  if (k !== k2) {
    throw new Error(`gemm: inner dimensions differ: op(A) is ${m}x${k}, op(B) is ${k2}x${n}`);
  }
  if (c && (c.rows !== m || c.cols !== n)) {
    throw new Error(`gemm: C is ${c.rows}x${c.cols}, expected ${m}x${n}`);
  }
  const into = options.into;
  if (into) {
    if (into.rows !== m || into.cols !== n || into.data.length !== m * n)
      throw new Error(`gemm: the output is ${into.rows}x${into.cols}, expected ${m}x${n}`);
    if (overlaps(into.data, a.data) || overlaps(into.data, b.data))
      throw new Error('gemm: the output must not share storage with A or B');
  }
  if (m === 0 || n === 0) return into ?? { rows: m, cols: n, data: new Float64Array(0) };
  if (k === 0) {
    // ORT rejects empty inner dimensions; the product is zero.
    const data = into?.data ?? new Float64Array(m * n);
    if (c) for (let i = 0; i < data.length; i++) data[i] = beta * c.data[i];
    else data.fill(0);
    return into ?? { rows: m, cols: n, data };
  }
  const attributes = {
    transA: transA ? 1 : 0,
    transB: transB ? 1 : 0,
    alpha: { float: alpha },
    beta: { float: beta },
  };
  const key = `gemm:${JSON.stringify(attributes)}:${c ? 'C' : ''}`;
  // No memory arena: it would keep every session's largest output (EngineSettings.arena).
  const session = await cachedSession(
    key,
    () => {
      const g = new GraphBuilder('gemm');
      const inputs = [g.input('A', 'float64', ['a0', 'a1']), g.input('B', 'float64', ['b0', 'b1'])];
      if (c) inputs.push(g.input('C', 'float64', ['m', 'n']));
      g.output(g.node('Gemm', inputs, attributes), 'Y', 'float64', ['m', 'n']);
      return g;
    },
    // No spinning pool: the solvers' GEMMs alternate with TypeScript and run beside the feature lanes.
    { arena: false, spin: false },
  );
  const feeds: Record<string, ReturnType<typeof matrixTensor>> = { A: matrixTensor(a), B: matrixTensor(b) };
  if (c) feeds.C = matrixTensor(c);
  if (!into) return runToMatrix(session, feeds);
  return runIntoMatrix(session, feeds, into);
}

/** Whether two typed arrays share any memory (views of one buffer that intersect). */
function overlaps(x: Float64Array, y: Float64Array): boolean {
  if (x.buffer !== y.buffer) return false;
  const [x0, y0] = [x.byteOffset, y.byteOffset];
  return x0 < y0 + y.byteLength && y0 < x0 + x.byteLength;
}

/** The most products one call chains: one session per chain length up to this, longer sums take more calls. */
const CHAIN = 16;

/**
 * C − Σᵢ Pᵢ·Qᵢᵀ, written into `into` (which may be C itself, never a P or Q). Each product is a Gemm
 * node that adds into the previous one's result, so every operand can be a view into a buffer of its
 * own: the left-looking Cholesky reads the factor's column panels where they lie instead of copying
 * them side by side. The chain gives the same bits however it is cut into calls (each node reads
 * the f64 result of the one before).
 */
export async function subtractProductSum(
  c: Matrix,
  pairs: readonly (readonly [Matrix, Matrix])[],
  into: Matrix,
): Promise<Matrix> {
  const [m, n] = [c.rows, c.cols];
  if (into.rows !== m || into.cols !== n || into.data.length !== m * n)
    throw new Error(`subtractProductSum: the output is ${into.rows}x${into.cols}, expected ${m}x${n}`);
  for (const [p, q] of pairs) {
    if (p.rows !== m || q.rows !== n || p.cols !== q.cols)
      throw new Error(
        `subtractProductSum: P is ${p.rows}x${p.cols} and Q ${q.rows}x${q.cols}, expected ${m}xk and ${n}xk`,
      );
    if (overlaps(into.data, p.data) || overlaps(into.data, q.data))
      throw new Error('subtractProductSum: the output must not share storage with a P or Q');
  }
  const products = pairs.filter(([p]) => p.cols > 0); // ORT rejects empty inner dimensions
  if (products.length === 0 || m === 0 || n === 0) {
    if (into.data !== c.data) into.data.set(c.data);
    return into;
  }
  let sum = c;
  for (let start = 0; start < products.length; start += CHAIN) {
    const chunk = products.slice(start, start + CHAIN);
    const session = await chainSession(chunk.length);
    const feeds: Record<string, ReturnType<typeof matrixTensor>> = { C: matrixTensor(sum) };
    chunk.forEach(([p, q], i) => {
      feeds[`P${i}`] = matrixTensor(p);
      feeds[`Q${i}`] = matrixTensor(q);
    });
    sum = await runIntoMatrix(session, feeds, into);
  }
  return sum;
}

function chainSession(length: number) {
  return cachedSession(
    `gemm-chain:${length}`,
    () => {
      const g = new GraphBuilder('gemm-chain');
      let y = g.input('C', 'float64', ['m', 'n']);
      for (let i = 0; i < length; i++) {
        const p = g.input(`P${i}`, 'float64', ['m', `k${i}`]);
        const q = g.input(`Q${i}`, 'float64', ['n', `k${i}`]);
        y = g.node('Gemm', [p, q, y], { transB: 1, alpha: { float: -1 }, beta: { float: 1 } });
      }
      g.output(y, 'Y', 'float64', ['m', 'n']);
      return g;
    },
    { arena: false, spin: false },
  );
}
