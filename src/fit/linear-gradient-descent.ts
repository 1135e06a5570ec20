// Full-batch gradient descent on linear least squares, stepped one iteration at a time: the
// measured side of the epoch-wise linear curves (src/theory/gradient-descent.ts has their exact
// form). Several target columns share the design, so every draw of (β, noise) on one design moves
// together:
//
//   L(W) = (1/2n)‖Y − XW‖²,   W_{k+1} = W_k − P(G W_k − C),   G = XᵀX/n,  C = XᵀY/n,  W_0 = 0,
//
// with P = diag(η_j), one step size per coordinate (η_j = η: plain gradient descent). Each step is
// W ← A W + B with A = I − PG and B = PC: one f64 Gemm through onnxruntime, unrolled in graphs of
// up to 256 steps (A and B are computed once). Isomorphic.
import { gemm } from '../engine/gemm.js';
import type { Matrix } from '../engine/matrix.js';
import { GraphBuilder } from '../engine/onnx-graph.js';
import { cachedSession, matrixTensor, runToMatrix } from '../engine/session-cache.js';

export interface LinearGradientDescentProblem {
  /** The design X, n × p. */
  x: Matrix;
  /** Targets, n × R (R independent problems on the same design). */
  y: Matrix;
  /** η, or one step size per coordinate (length p). */
  stepSizes: number | Float64Array;
  /** Step counts at which to return the iterates: integers ≥ 0, increasing. */
  record: readonly number[];
}

/** Steps per unrolled graph, at most (graphs of 1, 2, 4, …, 256 steps are built as needed). */
const MAX_UNROLL = 256;

/** The iterates W_k (p × R) at each step count in `record`, in order. */
export async function linearGradientDescent(problem: LinearGradientDescentProblem): Promise<Matrix[]> {
  const { x, y, record } = problem;
  const { rows: n, cols: p } = x;
  if (y.rows !== n) throw new Error(`y has ${y.rows} rows, x has ${n}`);
  record.forEach((k, i) => {
    if (!(Number.isSafeInteger(k) && k >= 0 && (i === 0 || k > record[i - 1]))) {
      throw new Error(`record must hold increasing integers ≥ 0, got ${k} at ${i}`);
    }
  });
  const eta =
    typeof problem.stepSizes === 'number' ? new Float64Array(p).fill(problem.stepSizes) : problem.stepSizes;
  if (eta.length !== p) throw new Error(`stepSizes has ${eta.length} values, x has ${p} columns`);
  // XᵀX and XᵀY, divided by n here: Gemm's alpha is an f32 attribute, too coarse for 1/n.
  const gram = await gemm(x, x, { transA: true });
  const c = await gemm(x, y, { transA: true });
  const a: Matrix = { rows: p, cols: p, data: new Float64Array(p * p) };
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) a.data[i * p + j] = (i === j ? 1 : 0) - (eta[i] * gram.data[i * p + j]) / n;
  }
  const r = y.cols;
  const b: Matrix = { rows: p, cols: r, data: c.data.map((v, k) => (eta[Math.floor(k / r)] * v) / n) };
  let w: Matrix = { rows: p, cols: r, data: new Float64Array(p * r) };
  let done = 0;
  const out: Matrix[] = [];
  for (const target of record) {
    while (done < target) {
      let chunk = MAX_UNROLL;
      while (chunk > target - done) chunk /= 2;
      w = await steps(a, b, w, chunk);
      done += chunk;
    }
    out.push({ rows: p, cols: r, data: Float64Array.from(w.data) });
  }
  return out;
}

/** `count` steps W ← AW + B in one graph run. */
async function steps(a: Matrix, b: Matrix, w: Matrix, count: number): Promise<Matrix> {
  const session = await cachedSession(`linear-gd:${count}`, () => {
    const g = new GraphBuilder('linear-gd');
    const aIn = g.input('A', 'float64', ['p', 'p']);
    const bIn = g.input('B', 'float64', ['p', 'r']);
    let v = g.input('W', 'float64', ['p', 'r']);
    for (let s = 0; s < count; s++) v = g.node('Gemm', [aIn, v, bIn]);
    g.output(v, 'Y', 'float64', ['p', 'r']);
    return g;
  });
  return runToMatrix(session, { A: matrixTensor(a), B: matrixTensor(b), W: matrixTensor(w) });
}
