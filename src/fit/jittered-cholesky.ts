// Cholesky that survives numerically singular Gram matrices: where a pivot is not positive, retry
// with a growing multiple of the mean diagonal added (the "jitter" of Gaussian-process codes). The
// jitter used is returned, so callers report it next to the result instead of hiding it.
import { cholesky } from '../engine/cholesky.js';
import { NotPositiveDefiniteError } from '../engine/triangular.js';
import type { Matrix } from '../engine/matrix.js';

const FIRST_JITTER = 1e-13;
const LAST_JITTER = 1e-5;

export async function jitteredCholesky(a: Matrix): Promise<{ factor: Matrix; jitter: number }> {
  try {
    return { factor: await cholesky(a), jitter: 0 };
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
  }
  const n = a.rows;
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += a.data[i * n + i] / n;
  for (let rel = FIRST_JITTER; rel <= LAST_JITTER; rel *= 10) {
    const jitter = rel * meanDiagonal;
    const shifted = { rows: n, cols: n, data: Float64Array.from(a.data) };
    for (let i = 0; i < n; i++) shifted.data[i * n + i] += jitter;
    try {
      return { factor: await cholesky(shifted), jitter };
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError)) throw e;
    }
  }
  throw new Error(
    `Gram matrix of order ${n} is singular even with jitter ${LAST_JITTER}·mean diagonal: ` +
      'the features are (nearly) linearly dependent; use a ridge > 0',
  );
}
