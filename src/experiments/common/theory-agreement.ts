// How closely measured means sit on an exact expectation: the largest relative deviation and the
// largest deviation in standard errors of the mean (sd/√draws), over the rows that count (away from
// the points where the expectation is singular).
import type { Row } from '../preset.js';

export interface Deviation {
  /** The row's position on the curve's axis (a step count, a sample size). */
  at: number;
  value: number;
}

export interface TheoryAgreement {
  /** max |mean/theory − 1|. */
  worstRelative: Deviation;
  /** max |mean − theory| / (sd/√draws). */
  worstZ: Deviation;
  /** Rows compared. */
  rows: number;
}

/** null when no row is included. */
export function theoryAgreement(
  rows: readonly Row[],
  o: { at: string; mean: string; sd: string; theory: string; draws: number; include?: (r: Row) => boolean },
): TheoryAgreement | null {
  let worstRelative: Deviation | null = null;
  let worstZ: Deviation | null = null;
  let count = 0;
  for (const r of rows) {
    if (o.include && !o.include(r)) continue;
    const mean = r[o.mean];
    const theory = r[o.theory];
    if (!Number.isFinite(theory) || theory === 0) continue;
    count++;
    const relative = Math.abs(mean / theory - 1);
    if (!worstRelative || relative > worstRelative.value) worstRelative = { at: r[o.at], value: relative };
    const se = r[o.sd] / Math.sqrt(o.draws);
    const z = se > 0 ? Math.abs(mean - theory) / se : mean === theory ? 0 : Infinity;
    if (!worstZ || z > worstZ.value) worstZ = { at: r[o.at], value: z };
  }
  return worstRelative && worstZ ? { worstRelative, worstZ, rows: count } : null;
}
