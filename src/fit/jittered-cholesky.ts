// Cholesky that survives numerically singular Gram matrices: where a pivot is not positive, retry
// with a growing multiple of the mean diagonal added (the "jitter" of Gaussian-process codes). The
// jitter used is returned, so callers report it next to the result instead of hiding it.
import { cholesky, symmetricSource, type CholeskyOptions, type SymmetricSource } from '../engine/cholesky.js';
import { NotPositiveDefiniteError } from '../engine/triangular.js';
import type { Matrix } from '../engine/matrix.js';

const FIRST_JITTER = 1e-13;
const LAST_JITTER = 1e-5;

/** The factor of A + shift·I (+ jitter·I where needed); the options are cholesky's. */
export async function jitteredCholesky(
  a: Matrix | SymmetricSource,
  options: CholeskyOptions = {},
): Promise<{ factor: Matrix; jitter: number }> {
  try {
    return { factor: await cholesky(a, options), jitter: 0 };
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
  }
  const source = symmetricSource(a);
  const n = source.order;
  const shift = options.shift ?? 0;
  const entry = new Float64Array(1);
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++)
    meanDiagonal += (source.copyBlock(i, i + 1, i, i + 1, entry).data[0] + shift) / n;
  for (let rel = FIRST_JITTER; rel <= LAST_JITTER; rel *= 10) {
    const jitter = rel * meanDiagonal;
    try {
      return { factor: await cholesky(source, { ...options, shift: shift + jitter }), jitter };
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError)) throw e;
    }
  }
  throw new Error(
    `Gram matrix of order ${n} is singular even with jitter ${LAST_JITTER}·mean diagonal: ` +
      'the features are (nearly) linearly dependent; use a ridge > 0',
  );
}
