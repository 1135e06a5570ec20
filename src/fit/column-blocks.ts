// A tall matrix kept as consecutive blocks of columns, as the feature map produces them. Products
// with a range of its columns are sums of per-block GEMMs, so nothing is concatenated except where
// a solver asks for it.
import { gemm } from '../engine/gemm.js';
import { block, setBlock, zeros, type Matrix } from '../engine/matrix.js';

export class ColumnBlocks {
  private readonly blocks: Matrix[] = [];
  private readonly starts: number[] = [];
  private total = 0;

  constructor(readonly rows: number) {}

  get cols(): number {
    return this.total;
  }

  append(b: Matrix): void {
    if (b.rows !== this.rows) throw new Error(`column block has ${b.rows} rows, expected ${this.rows}`);
    this.starts.push(this.total);
    this.blocks.push(b);
    this.total += b.cols;
  }

  /** The columns [c0, c1) as a list of matrices: whole blocks shared, partial ones copied. */
  slices(c0: number, c1: number): Matrix[] {
    if (!(0 <= c0 && c0 <= c1 && c1 <= this.total)) {
      throw new Error(`ColumnBlocks: columns [${c0}, ${c1}) outside [0, ${this.total})`);
    }
    const out: Matrix[] = [];
    this.blocks.forEach((b, k) => {
      const start = this.starts[k];
      const from = Math.max(c0, start);
      const to = Math.min(c1, start + b.cols);
      if (from >= to) return;
      out.push(from === start && to === start + b.cols ? b : block(b, 0, b.rows, from - start, to - start));
    });
    return out;
  }

  /** F[:, :n] · M, with M of n rows. */
  async times(n: number, m: Matrix): Promise<Matrix> {
    const out = zeros(this.rows, m.cols);
    for (const [b, r, t] of this.leading(n)) {
      const part = await leadingColumnsTimes(b, block(m, r, r + t, 0, m.cols));
      for (let i = 0; i < out.data.length; i++) out.data[i] += part.data[i];
    }
    return out;
  }

  /** F[:, :n]ᵀ · M, with M of `rows` rows: an n-row result. */
  async transposeTimes(n: number, m: Matrix): Promise<Matrix> {
    const out = zeros(n, m.cols);
    for (const [b, r, t] of this.leading(n)) {
      setBlock(out, r, 0, await leadingColumnsTransposeTimes(b, t, m));
    }
    return out;
  }

  /** The blocks holding columns [0, n): each whole block, its first column, and how many of its columns count. */
  private leading(n: number): [Matrix, number, number][] {
    if (!(0 <= n && n <= this.total))
      throw new Error(`ColumnBlocks: columns [0, ${n}) outside [0, ${this.total})`);
    const out: [Matrix, number, number][] = [];
    this.blocks.forEach((b, k) => {
      const start = this.starts[k];
      if (start < n) out.push([b, start, Math.min(b.cols, n - start)]);
    });
    return out;
  }

  /**
   * The lower block triangle of the Gram matrix F[:, :n]ᵀ F[:, :n] (n × n; blocks above the diagonal
   * left zero), one GEMM per pair of column blocks: about half the flops of the full product, and no
   * copy of the columns into one matrix. Enough for a Cholesky factorisation, which reads the lower
   * triangle only.
   */
  async lowerGram(n: number): Promise<Matrix> {
    const gram = zeros(n, n);
    const parts = this.slices(0, n);
    let r = 0;
    for (const [i, bi] of parts.entries()) {
      let c = 0;
      for (const bj of parts.slice(0, i + 1)) {
        setBlock(gram, r, c, await gemm(bi, bj, { transA: true }));
        c += bj.cols;
      }
      r += bi.cols;
    }
    return gram;
  }

  /** The leading n columns as one matrix. */
  concat(n: number): Matrix {
    return this.concatRows(n, 0, this.rows);
  }

  /** The rows [r0, r1) of the leading n columns as one matrix (row chunks bound the memory of a pass). */
  concatRows(n: number, r0: number, r1: number): Matrix {
    if (!(0 <= r0 && r0 <= r1 && r1 <= this.rows)) {
      throw new Error(`ColumnBlocks: rows [${r0}, ${r1}) outside [0, ${this.rows})`);
    }
    const out = zeros(r1 - r0, n);
    let c = 0;
    for (const b of this.slices(0, n)) {
      setBlock(out, 0, c, r0 === 0 && r1 === this.rows ? b : block(b, r0, r1, 0, b.cols));
      c += b.cols;
    }
    return out;
  }
}

// Products with the leading t columns of a block, without copying them out (a GEMM reads whole rows):
// the whole block enters, and only the part of the product that involves those columns is kept.
// Each comes for several matrices at once, side by side in one GEMM (one pass over the block
// instead of one per matrix); each element is the same sum as alone, and ORT's GEMM gives it the
// same bits (test/feature-storage.test.ts compares the kept path, one at a time, with the batched one).

/** b[:, 0:t] · m, for m of t ≤ b.cols rows: m padded with zero rows, whose products add exact zeros. */
export async function leadingColumnsTimes(b: Matrix, m: Matrix): Promise<Matrix> {
  return (await leadingColumnsTimesEach(b, [m]))[0];
}

/** [b[:, 0:t_k] · m_k for each m_k (t_k rows)], in one GEMM. */
export async function leadingColumnsTimesEach(b: Matrix, ms: Matrix[]): Promise<Matrix[]> {
  const cols = ms.reduce((t, m) => t + m.cols, 0);
  const stacked = zeros(b.cols, cols);
  let c0 = 0;
  for (const m of ms) {
    if (m.rows > b.cols)
      throw new Error(`leadingColumnsTimes: ${m.rows} rows, the block has ${b.cols} columns`);
    for (let r = 0; r < m.rows; r++)
      stacked.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), r * cols + c0);
    c0 += m.cols;
  }
  const product = await gemm(b, stacked); // b.rows × cols
  c0 = 0;
  return ms.map((m) => {
    const out = zeros(b.rows, m.cols);
    for (let i = 0; i < b.rows; i++)
      out.data.set(product.data.subarray(i * cols + c0, i * cols + c0 + m.cols), i * m.cols);
    c0 += m.cols;
    return out;
  });
}

/** b[:, 0:t]ᵀ · m: the first t rows of bᵀ·m (each row of the product involves one column of b). */
export async function leadingColumnsTransposeTimes(b: Matrix, t: number, m: Matrix): Promise<Matrix> {
  return (await leadingColumnsTransposeTimesEach(b, [{ t, m }]))[0];
}

/**
 * [b[:, 0:t_k]ᵀ · m_k for each], in one GEMM, as (Mᵀ·b)ᵀ with M the m_k side by side: ORT's GEMM
 * reads a transposed operand across its rows, slow for a tall block, so the transposed one is M.
 */
export async function leadingColumnsTransposeTimesEach(
  b: Matrix,
  parts: { t: number; m: Matrix }[],
): Promise<Matrix[]> {
  const cols = parts.reduce((sum, { m }) => sum + m.cols, 0);
  const stacked = zeros(b.rows, cols);
  let c0 = 0;
  for (const { t, m } of parts) {
    if (t > b.cols) throw new Error(`leadingColumnsTransposeTimes: ${t} columns, the block has ${b.cols}`);
    if (m.rows !== b.rows)
      throw new Error(`leadingColumnsTransposeTimes: ${m.rows} rows, the block has ${b.rows}`);
    for (let r = 0; r < m.rows; r++)
      stacked.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), r * cols + c0);
    c0 += m.cols;
  }
  const product = await gemm(stacked, b, { transA: true }); // cols × b.cols
  c0 = 0;
  return parts.map(({ t, m }) => {
    const k = m.cols;
    const out = zeros(t, k);
    for (let j = 0; j < t; j++)
      for (let c = 0; c < k; c++) out.data[j * k + c] = product.data[(c0 + c) * b.cols + j];
    c0 += k;
    return out;
  });
}
