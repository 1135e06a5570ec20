// Eigendecomposition of a small symmetric matrix by the cyclic Jacobi method: slow (O(p³) per
// sweep, a handful of sweeps) but simple and accurate to near machine precision, which is what the
// exact finite-design curves need. For matrices up to a few hundred rows.
import type { Matrix } from '../engine/matrix.js';

export interface SymmetricEigen {
  /** Eigenvalues, decreasing. */
  values: Float64Array;
  /** Orthonormal eigenvectors as the columns of a p × p matrix, in the order of `values`. */
  vectors: Matrix;
}

export function symmetricEigen(a: Matrix, maxSweeps = 60): SymmetricEigen {
  const p = a.rows;
  if (a.cols !== p) throw new Error(`symmetricEigen needs a square matrix, got ${a.rows}×${a.cols}`);
  const m = Float64Array.from(a.data);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (m[i * p + j] + m[j * p + i]);
      if (!Number.isFinite(s)) throw new Error(`symmetricEigen: entry (${i}, ${j}) is ${s}`);
      m[i * p + j] = s;
      m[j * p + i] = s;
    }
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;

  let frob = 0;
  for (let i = 0; i < p * p; i++) frob += m[i] * m[i];
  const absTiny = 1e-17 * Math.sqrt(frob);

  let converged = false;
  for (let sweep = 0; sweep < maxSweeps && !converged; sweep++) {
    let rotated = false;
    for (let k = 0; k < p - 1; k++)
      for (let l = k + 1; l < p; l++) {
        const akl = m[k * p + l];
        const akk = m[k * p + k];
        const all = m[l * p + l];
        // Negligible: below rounding relative to the diagonal (Demmel–Veselić) or to the matrix.
        if (Math.abs(akl) <= Math.max(absTiny, Number.EPSILON * Math.sqrt(Math.abs(akk * all)))) {
          m[k * p + l] = 0;
          m[l * p + k] = 0;
          continue;
        }
        rotated = true;
        // Rotation angle that zeroes (k, l): tan(2θ) = 2a_kl / (a_ll − a_kk); t = tan θ, smaller root.
        const theta = (all - akk) / (2 * akl);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J on rows/columns k and l.
        for (let i = 0; i < p; i++) {
          const aik = m[i * p + k];
          const ail = m[i * p + l];
          m[i * p + k] = c * aik - s * ail;
          m[i * p + l] = s * aik + c * ail;
        }
        for (let j = 0; j < p; j++) {
          const akj = m[k * p + j];
          const alj = m[l * p + j];
          m[k * p + j] = c * akj - s * alj;
          m[l * p + j] = s * akj + c * alj;
        }
        m[k * p + l] = 0;
        m[l * p + k] = 0;
        for (let i = 0; i < p; i++) {
          const vik = v[i * p + k];
          const vil = v[i * p + l];
          v[i * p + k] = c * vik - s * vil;
          v[i * p + l] = s * vik + c * vil;
        }
      }
    converged = !rotated;
  }
  if (!converged) throw new Error(`symmetricEigen: no convergence in ${maxSweeps} sweeps`);

  const order = Array.from({ length: p }, (_, i) => i).sort((i, j) => m[j * p + j] - m[i * p + i]);
  const values = new Float64Array(p);
  const vectors = new Float64Array(p * p);
  order.forEach((src, dst) => {
    values[dst] = m[src * p + src];
    for (let i = 0; i < p; i++) vectors[i * p + dst] = v[i * p + src];
  });
  return { values, vectors: { rows: p, cols: p, data: vectors } };
}
