// Lanczos iteration for the largest eigenvalues of a symmetric operator known only through
// matrix–vector products (a Hessian through Hessian-vector products). k products build an
// orthonormal Krylov basis Q and the tridiagonal T = QᵀAQ; T's extreme eigenvalues (Ritz values)
// converge to A's extreme eigenvalues far faster than power iteration (error ~ e^{−2k√gap}, not
// (λ₂/λ₁)^k), and the top few come at once. Full reorthogonalisation (Gram–Schmidt, twice) keeps Q
// orthonormal in floating point, so no spurious copies of converged eigenvalues appear; at the
// sizes used here (k ≤ ~50) it costs less than the products.
//
// Grouped: the vector may hold several independent problems (the members of a network ensemble,
// whose Hessian is block diagonal); `groups.of[i]` names the problem of entry i (−1: an entry of
// none, kept at 0). Every group runs its own recurrence on the same products. A group whose Krylov
// space is exhausted (β ≈ 0: an invariant subspace, e.g. fewer dimensions than steps) stops and
// keeps its zero vector, whose product is 0.
import { symmetricEigen } from '../theory/symmetric-eigen.js';

export interface LanczosOptions {
  /** Products (Krylov dimension) per group. */
  steps: number;
  /** How many of the largest eigenvalues to return per group. */
  top: number;
  /** Start vector (random, so that it has a component along every eigenvector). */
  start: Float64Array;
  /** Independent problems in one vector (default: one). */
  groups?: { of: Int32Array; count: number };
}

export type MatVec = (v: Float64Array) => Promise<Float64Array>;

/** Relative size of β below which a group's Krylov space counts as exhausted. */
const BREAKDOWN = 1e-10;

/** Per group, the `top` largest Ritz values, decreasing (fewer if its Krylov space had fewer dimensions). */
export async function lanczosTop(matvec: MatVec, options: LanczosOptions): Promise<Float64Array[]> {
  const { steps, top, start } = options;
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`lanczos: steps must be a positive integer, got ${steps}`);
  if (!(Number.isInteger(top) && top >= 1))
    throw new Error(`lanczos: top must be a positive integer, got ${top}`);
  const dim = start.length;
  const groups = options.groups ?? { of: new Int32Array(dim), count: 1 };
  if (groups.of.length !== dim)
    throw new Error(`lanczos: ${groups.of.length} group labels for ${dim} entries`);
  const G = groups.count;
  const of = groups.of;

  const dots = (a: Float64Array, b: Float64Array) => {
    const s = new Float64Array(G);
    for (let i = 0; i < dim; i++) if (of[i] >= 0) s[of[i]] += a[i] * b[i];
    return s;
  };
  /** a − c_g·b per group, in place. */
  const subtract = (a: Float64Array, c: Float64Array, b: Float64Array) => {
    for (let i = 0; i < dim; i++) if (of[i] >= 0) a[i] -= c[of[i]] * b[i];
  };
  const scaleBy = (a: Float64Array, c: Float64Array) => {
    const out = new Float64Array(dim);
    for (let i = 0; i < dim; i++) if (of[i] >= 0) out[i] = a[i] * c[of[i]];
    return out;
  };

  const norms0 = dots(start, start).map(Math.sqrt);
  norms0.forEach((s, g) => {
    if (!(s > 0 && Number.isFinite(s)))
      throw new Error(`lanczos: the start vector of group ${g} has norm ${s}`);
  });
  const basis: Float64Array[] = [
    scaleBy(
      start,
      norms0.map((s) => 1 / s),
    ),
  ];
  const alpha: number[][] = Array.from({ length: G }, () => []);
  const beta: number[][] = Array.from({ length: G }, () => []);
  const active = new Array<boolean>(G).fill(true);
  let previousBeta = new Float64Array(G);

  for (let j = 0; j < steps && active.some(Boolean); j++) {
    const q = basis[j];
    const w = Float64Array.from(await matvec(q));
    if (w.length !== dim) throw new Error(`lanczos: the product has ${w.length} entries, expected ${dim}`);
    const a = dots(w, q);
    subtract(w, a, q);
    if (j > 0) subtract(w, previousBeta, basis[j - 1]);
    // Full reorthogonalisation against the whole basis, twice ("twice is enough").
    for (let pass = 0; pass < 2; pass++) for (const p of basis) subtract(w, dots(w, p), p);
    const b = dots(w, w).map(Math.sqrt);
    const next = new Float64Array(G);
    for (let g = 0; g < G; g++) {
      if (!active[g]) continue;
      if (!Number.isFinite(a[g]) || !Number.isFinite(b[g]))
        throw new Error(`lanczos: the product of group ${g} is not finite at step ${j + 1}`);
      alpha[g].push(a[g]);
      const scale = Math.max(...alpha[g].map(Math.abs), ...beta[g], 0);
      if (j === steps - 1 || b[g] <= BREAKDOWN * scale) {
        active[g] = false; // done, or an invariant subspace: T is complete
        continue;
      }
      beta[g].push(b[g]);
      next[g] = 1 / b[g];
    }
    basis.push(scaleBy(w, next)); // zero in stopped groups
    previousBeta = b.map((x, g) => (active[g] ? x : 0));
  }

  return alpha.map((al, g) => {
    const k = al.length;
    const t = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      t[i * k + i] = al[i];
      if (i + 1 < k) t[i * k + i + 1] = t[(i + 1) * k + i] = beta[g][i];
    }
    return symmetricEigen({ rows: k, cols: k, data: t }).values.slice(0, top);
  });
}
