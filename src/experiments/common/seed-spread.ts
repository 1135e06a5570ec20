// The seed-to-seed spread of aggregated rows, and an effect measured in units of it. Rows aggregated
// over seeds (src/sweep/aggregate.ts) carry the median under the plain key and the quartiles under
// `<key>_q1` / `<key>_q3`; a single run has no spread, and then no effect size is stated.
import type { Row } from '../preset.js';

/** The interquartile range of `key` over the seeds behind this row, or undefined for a single run. */
export function interquartileRange(row: Row, key: string): number | undefined {
  const [q1, q3] = [row[`${key}_q1`], row[`${key}_q3`]];
  return Number.isFinite(q1) && Number.isFinite(q3) ? q3 - q1 : undefined;
}

/**
 * An effect between two rows (b − a, e.g. a peak over a minimum) in units of the larger of their
 * two IQRs: conservative, since either row's spread could account for the difference. Undefined
 * without seeds; Infinity when every seed agreed exactly (IQR 0) and the effect is not 0.
 */
export function effectInSpreadUnits(a: Row, b: Row, key: string): number | undefined {
  const spreads = [interquartileRange(a, key), interquartileRange(b, key)];
  if (spreads.some((s) => s === undefined)) return undefined;
  const spread = Math.max(...(spreads as number[]));
  const effect = b[key] - a[key];
  if (spread > 0) return effect / spread;
  return effect === 0 ? 0 : Math.sign(effect) * Infinity;
}

/** ' (3.2 IQR)' for an effect in IQR units, or '' without seeds (undefined or null). */
export function spreadUnitsNote(units: number | undefined | null): string {
  if (units === undefined || units === null) return '';
  return ` (${Number.isFinite(units) ? units.toFixed(1) : units > 0 ? '∞' : '−∞'} IQR)`;
}

/** The effect b − a as ' (3.2 IQR)' for a summary line, or '' when the rows are a single run. */
export function spreadNote(a: Row, b: Row, key: string): string {
  return spreadUnitsNote(effectInSpreadUnits(a, b, key));
}
