// A dense row-major f64 matrix: the currency of the engine and the solvers.

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) {
    throw new Error(`matrix ${rows}x${cols} needs ${rows * cols} values, got ${data.length}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function zeros(rows: number, cols: number): Matrix {
  return matrix(rows, cols);
}

export function identity(n: number, scale = 1): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = scale;
  return m;
}

export function fromRows(rows: number[][]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new Error(`fromRows: row ${i} has ${row.length} values, expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

/**
 * Copy of the block rows [r0, r1) × cols [c0, c1), into the start of `into` when given (a reused
 * buffer of at least that many values) instead of a new array.
 */
export function block(
  a: Matrix,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  into?: Float64Array,
): Matrix {
  const w = c1 - c0;
  const out = into ? matrix(r1 - r0, w, into.subarray(0, (r1 - r0) * w)) : zeros(r1 - r0, w);
  for (let i = r0; i < r1; i++) {
    out.data.set(a.data.subarray(i * a.cols + c0, i * a.cols + c1), (i - r0) * w);
  }
  return out;
}

/** The rows [r0, r1) as a view sharing `a`'s storage (rows are contiguous in row-major order). */
export function rowsView(a: Matrix, r0: number, r1: number): Matrix {
  return { rows: r1 - r0, cols: a.cols, data: a.data.subarray(r0 * a.cols, r1 * a.cols) };
}

/** Writes `b` into `a` with its top-left corner at (r0, c0). */
export function setBlock(a: Matrix, r0: number, c0: number, b: Matrix): void {
  for (let i = 0; i < b.rows; i++) {
    a.data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), (r0 + i) * a.cols + c0);
  }
}

export function transpose(a: Matrix): Matrix {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return out;
}

export function frobeniusNorm(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * a.data[i];
  return Math.sqrt(s);
}

export function scaled(a: Matrix, s: number): Matrix {
  const src = a.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] * s;
  return { rows: a.rows, cols: a.cols, data: out };
}
