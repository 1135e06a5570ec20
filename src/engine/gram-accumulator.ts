// A running Gram matrix G = Σ A Aᵀ over column blocks A (n × w), computed on its lower block
// triangle only: G is kept as p row panels, panel i holding rows [r_i, r_{i+1}) and columns
// [0, r_{i+1}), so each update is p GEMMs on row views of A (no copies) and costs about
// (p+1)/(2p) of a full A Aᵀ — the symmetric rank-k update (SYRK) that ONNX has no operator for.
// The GEMMs add into the panels in place (gemm's `into`): no n² allocation per block.
import type { SymmetricSource } from './cholesky.js';
import { gemm, gemmAdd } from './gemm.js';
import { matrix, rowsView, zeros, type Matrix } from './matrix.js';

/**
 * The number of row panels at order n: more panels skip more of the upper triangle but make each
 * GEMM thinner. Panels of about 512 rows keep each GEMM large, up to 16 of them: the kernel costs
 * (p+1)/(2p) = 0.53 of a full product at 16, against 0.56 at 8 (the limit is 1/2).
 * bench/rff.ts counts the kernel's flops with this.
 */
export function gramPanels(n: number): number {
  return Math.min(16, Math.max(1, Math.round(n / 512)));
}

export class GramAccumulator {
  private readonly cuts: number[];
  private readonly panels: Matrix[];

  /** `panels`: the number of row panels (default gramPanels(n)); results agree to rounding. */
  constructor(
    readonly n: number,
    panels = gramPanels(n),
  ) {
    const p = panels;
    this.cuts = Array.from({ length: p + 1 }, (_, i) => Math.round((i * n) / p));
    this.panels = this.cuts.slice(1).map((end, i) => zeros(end - this.cuts[i], end));
  }

  /** G += A Aᵀ. */
  async add(a: Matrix): Promise<void> {
    if (a.rows !== this.n) throw new Error(`GramAccumulator: block has ${a.rows} rows, expected ${this.n}`);
    for (let i = 0; i < this.panels.length; i++) {
      const [r0, r1] = [this.cuts[i], this.cuts[i + 1]];
      const panel = this.panels[i];
      await gemmAdd(panel, rowsView(a, r0, r1), rowsView(a, 0, r1), { transB: true, into: panel });
    }
  }

  /**
   * scale·G as a source for the Cholesky factorisation: its lower triangle copied out block by
   * block (scaled as copied), never as a whole n × n matrix.
   */
  lower(scale = 1): SymmetricSource {
    return {
      order: this.n,
      copyBlock: (r0, r1, c0, c1, into) => this.copyBlock(scale, r0, r1, c0, c1, into),
    };
  }

  /** scale·G·B: each panel times B, then each panel's transpose for the rows above it. */
  async times(b: Matrix, scale = 1): Promise<Matrix> {
    if (b.rows !== this.n) throw new Error(`GramAccumulator: B has ${b.rows} rows, expected ${this.n}`);
    const k = b.cols;
    const out = zeros(this.n, k);
    for (let i = 0; i < this.panels.length; i++) {
      const [r0, r1] = [this.cuts[i], this.cuts[i + 1]];
      const panel = this.panels[i];
      const rows = rowsView(out, r0, r1);
      await gemmAdd(rows, panel, rowsView(b, 0, r1), { into: rows });
      if (r0 === 0) continue;
      // G[0:r0, rows] = panel[:, 0:r0]ᵀ, so out[0:r0] += (B[rows]ᵀ·panel)ᵀ, its first r0 columns:
      // transposing the k-column B rather than the panel keeps ORT's GEMM reading the panel by rows.
      const above = await gemm(rowsView(b, r0, r1), panel, { transA: true }); // k × r1
      for (let t = 0; t < r0; t++) for (let c = 0; c < k; c++) out.data[t * k + c] += above.data[c * r1 + t];
    }
    for (let t = 0; t < out.data.length; t++) out.data[t] *= scale;
    return out;
  }

  // Entries above the diagonal that a panel does not hold are written as 0.
  private copyBlock(
    scale: number,
    r0: number,
    r1: number,
    c0: number,
    c1: number,
    into: Float64Array,
  ): Matrix {
    const w = c1 - c0;
    const out = matrix(r1 - r0, w, into.subarray(0, (r1 - r0) * w));
    const d = out.data;
    let panel = 0;
    for (let i = r0; i < r1; i++) {
      while (i >= this.cuts[panel + 1]) panel++;
      const { data, cols } = this.panels[panel];
      const from = (i - this.cuts[panel]) * cols;
      const end = Math.min(c1, cols);
      const o = (i - r0) * w - c0;
      for (let j = c0; j < end; j++) d[o + j] = scale * data[from + j];
      if (end < c1) d.fill(0, o + Math.max(end, c0), o + c1);
    }
    return out;
  }
}
