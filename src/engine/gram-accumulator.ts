// A running Gram matrix G = Σ A Aᵀ over column blocks A (n × w), computed on its lower block
// triangle only: G is kept as p row panels, panel i holding rows [r_i, r_{i+1}) and columns
// [0, r_{i+1}), so each update is p GEMMs on row views of A (no copies) and costs about
// (p+1)/(2p) of a full A Aᵀ — the symmetric rank-k update (SYRK) that ONNX has no operator for.
// The GEMMs add into the panels in place (gemm's `into`): no n² allocation per block.
import { gemmAdd } from './gemm.js';
import { rowsView, zeros, type Matrix } from './matrix.js';

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
   * The full symmetric matrix scale·G (upper triangle mirrored from the lower), written into `into`
   * when given (every entry is overwritten: a caller that takes one per step reuses one buffer
   * instead of leaving n² doubles of garbage per step).
   */
  full(scale = 1, into?: Matrix): Matrix {
    const n = this.n;
    if (into && (into.rows !== n || into.cols !== n))
      throw new Error(`GramAccumulator: buffer is ${into.rows}x${into.cols}, expected ${n}x${n}`);
    const g = into ?? zeros(n, n);
    // Where row i of G's lower triangle lies: its panel's data and the row's offset in it.
    const rowData: Float64Array[] = [];
    const rowStart: number[] = [];
    for (const panel of this.panels) {
      for (let r = 0; r < panel.rows; r++) {
        rowData.push(panel.data);
        rowStart.push(r * panel.cols);
      }
    }
    // One pass over the lower triangle in square tiles, each entry written to both of its places;
    // the tiles keep the column-wise writes of the upper triangle in cache.
    const d = g.data;
    const T = 64;
    for (let i0 = 0; i0 < n; i0 += T) {
      const iEnd = Math.min(i0 + T, n);
      for (let j0 = 0; j0 <= i0; j0 += T) {
        for (let i = i0; i < iEnd; i++) {
          const src = rowData[i];
          const from = rowStart[i];
          const jEnd = Math.min(j0 + T, i + 1);
          for (let j = j0; j < jEnd; j++) {
            const x = scale * src[from + j];
            d[i * n + j] = x;
            d[j * n + i] = x;
          }
        }
      }
    }
    return g;
  }
}
