// Arithmetic on an ensemble's parameter tensors (f64, ensemble layout), member by member: what the
// probes and Hessian-vector products need. Every function returns new tensors.
import type { ParameterOwners } from './ensemble-plan.js';
import type { Parameters } from './initialize.js';

export function mapParameters(
  p: Parameters,
  f: (v: number, owner: number, i: number, t: Float64Array) => number,
  owners: ParameterOwners,
): Parameters {
  return {
    w: p.w.map((t, l) => t.map((v, i) => f(v, owners.w[l][i], i, t))),
    b: p.b.map((t, l) => t.map((v, i) => f(v, owners.b[l][i], i, t))),
  };
}

/** a + s_m · b, with s_m the scale of the owning member. */
export function addScaled(
  a: Parameters,
  b: Parameters,
  scale: ArrayLike<number>,
  owners: ParameterOwners,
): Parameters {
  return {
    w: a.w.map((t, l) => t.map((v, i) => v + scale[owners.w[l][i]] * b.w[l][i])),
    b: a.b.map((t, l) => t.map((v, i) => v + scale[owners.b[l][i]] * b.b[l][i])),
  };
}

/** Σ a·b per member. */
export function memberDots(a: Parameters, b: Parameters, owners: ParameterOwners): Float64Array {
  const sums = new Float64Array(owners.counts.length);
  a.w.forEach((t, l) => t.forEach((v, i) => (sums[owners.w[l][i]] += v * b.w[l][i])));
  a.b.forEach((t, l) => t.forEach((v, i) => (sums[owners.b[l][i]] += v * b.b[l][i])));
  return sums;
}

export function memberNorms(a: Parameters, owners: ParameterOwners): Float64Array {
  return memberDots(a, a, owners).map(Math.sqrt);
}

/** All tensors end to end (weights layer by layer, then biases): a vector for generic algorithms. */
export function flattenParameters(p: Parameters): Float64Array {
  const parts = [...p.w, ...p.b];
  const out = new Float64Array(parts.reduce((a, t) => a + t.length, 0));
  let offset = 0;
  for (const t of parts) {
    out.set(t, offset);
    offset += t.length;
  }
  return out;
}

/** The inverse of flattenParameters, shaped like `like`. */
export function unflattenParameters(v: Float64Array, like: Parameters): Parameters {
  let offset = 0;
  const take = (t: Float64Array) => v.slice(offset, (offset += t.length));
  const w = like.w.map(take);
  const b = like.b.map(take);
  return { w, b };
}
