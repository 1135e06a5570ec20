// A running Gram matrix G = Σ A Aᵀ over column blocks A (n × w), computed on its lower block
// triangle only: G is kept as p row panels, panel i holding rows [r_i, r_{i+1}) and columns
// [0, r_{i+1}), so each update is p GEMMs on row views of A (no copies) and costs about
// (p+1)/(2p) of a full A Aᵀ — the symmetric rank-k update (SYRK) that ONNX has no operator for.
import { gemmAdd } from './gemm.js';
import { rowsView, zeros, type Matrix } from './matrix.js';

export class GramAccumulator {
  private readonly cuts: number[];
  private panels: Matrix[];

  constructor(readonly n: number) {
    const p = Math.min(8, Math.max(1, Math.round(n / 512)));
    this.cuts = Array.from({ length: p + 1 }, (_, i) => Math.round((i * n) / p));
    this.panels = this.cuts.slice(1).map((end, i) => zeros(end - this.cuts[i], end));
  }

  /** G += A Aᵀ. */
  async add(a: Matrix): Promise<void> {
    if (a.rows !== this.n) throw new Error(`GramAccumulator: block has ${a.rows} rows, expected ${this.n}`);
    const next: Matrix[] = [];
    for (let i = 0; i < this.panels.length; i++) {
      const [r0, r1] = [this.cuts[i], this.cuts[i + 1]];
      next.push(await gemmAdd(this.panels[i], rowsView(a, r0, r1), rowsView(a, 0, r1), { transB: true }));
    }
    this.panels = next;
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
    this.panels.forEach((panel, i) => {
      const r0 = this.cuts[i];
      for (let r = 0; r < panel.rows; r++) {
        const row = r0 + r;
        const src = panel.data;
        const from = r * panel.cols;
        for (let j = 0; j <= row; j++) g.data[row * n + j] = scale * src[from + j];
      }
    });
    mirrorLowerToUpper(g);
    return g;
  }
}

/** Copies the strict lower triangle onto the upper one, in tiles so both sides stay in cache. */
function mirrorLowerToUpper(g: Matrix): void {
  const n = g.rows;
  const d = g.data;
  const T = 64;
  for (let i0 = 0; i0 < n; i0 += T) {
    for (let j0 = 0; j0 <= i0; j0 += T) {
      const iEnd = Math.min(i0 + T, n);
      for (let i = i0; i < iEnd; i++) {
        const jEnd = Math.min(j0 + T, i);
        for (let j = j0; j < jEnd; j++) d[j * n + i] = d[i * n + j];
      }
    }
  }
}
