// Column pieces of feature blocks, gathered until they enter a product together: the running
// kernel F Fᵀ gets one GEMM update per gathering instead of one per piece. Each update reads and
// rewrites the kernel's whole lower triangle (n²/2 values), and onnxruntime-node hands every output
// back as a fresh copy (measured here ~0.9 ms per MB of output), so at n = 10⁴ an update costs
// ~0.4 s before any flop; fewer, wider updates save that, and a wider inner dimension suits the
// GEMM too. The pieces are held by reference and copied side by side only when taken.
import type { Matrix } from '../engine/matrix.js';

interface Piece {
  block: Matrix;
  /** Columns [c0, c1) of the block. */
  c0: number;
  c1: number;
}

export class StagedColumns {
  private pieces: Piece[] = [];
  private count = 0;
  /** Reused for the side-by-side copies: no fresh n × columns array (and its page faults) per take. */
  private buffer = new Float64Array(0);

  /** The number of columns waiting. */
  get columns(): number {
    return this.count;
  }

  /** Columns [c0, c1) of `block`, held until the next take (the block must not change until then). */
  add(block: Matrix, c0: number, c1: number): void {
    if (!(0 <= c0 && c0 < c1 && c1 <= block.cols))
      throw new Error(`StagedColumns: columns [${c0}, ${c1}) outside the block's ${block.cols}`);
    const rows = this.pieces[0]?.block.rows ?? block.rows;
    if (block.rows !== rows)
      throw new Error(`StagedColumns: a block of ${block.rows} rows, expected ${rows}`);
    this.pieces.push({ block, c0, c1 });
    this.count += c1 - c0;
  }

  /**
   * The waiting columns as one matrix, in the order added, and an empty stage. A lone whole block is
   * returned as it is; otherwise the matrix lives in this stage's buffer, valid until the next take.
   */
  take(): Matrix | undefined {
    const pieces = this.pieces;
    const cols = this.count;
    this.pieces = [];
    this.count = 0;
    if (pieces.length === 0) return undefined;
    const first = pieces[0];
    if (pieces.length === 1 && first.c0 === 0 && first.c1 === first.block.cols) return first.block;
    const rows = first.block.rows;
    if (this.buffer.length < rows * cols) this.buffer = new Float64Array(rows * cols);
    const out = this.buffer.subarray(0, rows * cols);
    let offset = 0;
    for (const { block, c0, c1 } of pieces) {
      const src = block.data;
      const w = block.cols;
      for (let i = 0; i < rows; i++) out.set(src.subarray(i * w + c0, i * w + c1), i * cols + offset);
      offset += c1 - c0;
    }
    return { rows, cols, data: out };
  }
}
