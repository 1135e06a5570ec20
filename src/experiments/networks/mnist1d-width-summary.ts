// The headline numbers of a width curve with medians and quartiles over seeds (mnist1d-width): where
// the median train error first reaches 0, the classical minimum before it, the peak after it, the
// widest network, and how far the peak stands out in units of the seeds' interquartile range (with
// 3 seeds the IQR is half the range: a rise of several IQRs is not seed noise).
import { interquartileRange } from '../common/seed-spread.js';
import { familyName, type Family } from '../../models/network.js';
import { alignedLines } from '../common/aligned-lines.js';
import type { Row } from '../preset.js';

export interface WidthPoint {
  width: number;
  /** Median test error over seeds. */
  testError: number;
  /** Interquartile range of the test error over seeds. */
  iqr: number;
}

export interface Mnist1dWidthSummary {
  /** The first width whose median train error is exactly 0 (every noisy label fit); null if none. */
  interpolationWidth: number | null;
  /** The lowest median test error up to the interpolation width (all widths if none interpolates). */
  classicalMinimum: WidthPoint;
  /** The highest median test error wider than the classical minimum. */
  peak: WidthPoint;
  widest: WidthPoint;
  peakAboveMinimum: number;
  peakAboveWidest: number;
  /** The rises in units of the larger IQR of the two widths compared (null when both IQRs are 0). */
  peakAboveMinimumIqrs: number | null;
  peakAboveWidestIqrs: number | null;
}

const point = (r: Row): WidthPoint => ({
  width: r.width,
  testError: r.testError,
  iqr: interquartileRange(r, 'testError') ?? 0,
});

function inIqrs(rise: number, a: WidthPoint, b: WidthPoint): number | null {
  const unit = Math.max(a.iqr, b.iqr);
  return unit > 0 ? rise / unit : null;
}

/** The summary of rows with medians under the plain keys and quartiles as `<key>_q1`/`<key>_q3`. */
export function summarizeMnist1dWidths(rows: Row[]): Mnist1dWidthSummary {
  if (rows.length === 0) throw new Error('mnist1d-width: no widths to summarise');
  const sorted = [...rows].sort((a, b) => a.width - b.width);
  const interpolating = sorted.find((r) => r.trainError === 0);
  const classical = interpolating ? sorted.filter((r) => r.width <= interpolating.width) : sorted;
  const bottom = classical.reduce((b, r) => (r.testError < b.testError ? r : b));
  const after = sorted.filter((r) => r.width > bottom.width);
  const top = after.length ? after.reduce((p, r) => (r.testError > p.testError ? r : p)) : bottom;
  const [minimum, peak, widest] = [bottom, top, sorted[sorted.length - 1]].map(point);
  const peakAboveMinimum = peak.testError - minimum.testError;
  const peakAboveWidest = peak.testError - widest.testError;
  return {
    interpolationWidth: interpolating ? interpolating.width : null,
    classicalMinimum: minimum,
    peak,
    widest,
    peakAboveMinimum,
    peakAboveWidest,
    peakAboveMinimumIqrs: inIqrs(peakAboveMinimum, peak, minimum),
    peakAboveWidestIqrs: inIqrs(peakAboveWidest, peak, widest),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${pct(Math.abs(x))}`;
const iqrs = (x: number | null) => (x === null ? 'IQR 0' : `${x.toFixed(1)} IQR`);
const at = (p: WidthPoint) => `width ${p.width}: ${pct(p.testError)} (IQR ${pct(p.iqr)})`;

/** The headline in one line (the benchmark prints it too). */
export function mnist1dWidthHeadline(s: Mnist1dWidthSummary): string {
  return (
    `interpolation width ${s.interpolationWidth ?? 'none'}; minimum ${pct(s.classicalMinimum.testError)} ` +
    `at ${s.classicalMinimum.width}; peak ${pct(s.peak.testError)} at ${s.peak.width} ` +
    `(${signed(s.peakAboveMinimum)} = ${iqrs(s.peakAboveMinimumIqrs)} over the minimum, ` +
    `${signed(s.peakAboveWidest)} = ${iqrs(s.peakAboveWidestIqrs)} over the widest); ` +
    `widest ${pct(s.widest.testError)} at ${s.widest.width}`
  );
}

export function mnist1dWidthLines(
  s: Mnist1dWidthSummary,
  c: { n: number; labelNoise: number; epochs: number; family: Family; depth: number; seeds: number },
): string[] {
  return alignedLines([
    [
      'network',
      `${familyName(c.family, c.depth)}, n = ${c.n}, label noise ${c.labelNoise}, ${c.epochs} epochs, ` +
        `median and IQR over ${c.seeds} seed${c.seeds > 1 ? 's' : ''}`,
    ],
    [
      'median train error first 0',
      s.interpolationWidth === null ? 'at no width' : `width ${s.interpolationWidth}`,
    ],
    ['classical minimum', at(s.classicalMinimum)],
    [
      'peak',
      `${at(s.peak)}, ${signed(s.peakAboveMinimum)} (${iqrs(s.peakAboveMinimumIqrs)}) over the minimum, ` +
        `${signed(s.peakAboveWidest)} (${iqrs(s.peakAboveWidestIqrs)}) over the widest`,
    ],
    ['widest', at(s.widest)],
    ['headline', mnist1dWidthHeadline(s)],
  ]);
}
