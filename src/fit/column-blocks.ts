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
    let r = 0;
    for (const b of this.slices(0, n)) {
      const part = await gemm(b, block(m, r, r + b.cols, 0, m.cols));
      for (let i = 0; i < out.data.length; i++) out.data[i] += part.data[i];
      r += b.cols;
    }
    return out;
  }

  /** F[:, :n]ᵀ · M, with M of `rows` rows: an n-row result. */
  async transposeTimes(n: number, m: Matrix): Promise<Matrix> {
    const out = zeros(n, m.cols);
    let r = 0;
    for (const b of this.slices(0, n)) {
      setBlock(out, r, 0, await gemm(b, m, { transA: true }));
      r += b.cols;
    }
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
