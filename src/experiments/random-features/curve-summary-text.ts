// The summary printed after a run: the headline numbers of the curve, as a small table.
import type { CurveSummary, PointRef } from './curve-summary.js';
import { alignedLines } from '../common/aligned-lines.js';
import { effectiveRows } from '../common/effective-fold-text.js';

export function summaryLines(s: CurveSummary): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const at = (p: PointRef | null, what: string) =>
    p
      ? `N = ${p.features}: test loss ${p.testLoss.toPrecision(4)}, test error ${pct(p.testError)}`
      : `(no ${what})`;
  const rows: [string, string][] = [
    ['interpolation threshold', `N = n = ${s.interpolationThreshold}`],
    ['peak test loss', at(s.peakTestLoss, 'points')],
    ['peak test error', at(s.peakTestError, 'points')],
    ['classical minimum (N < n)', at(s.classicalMinimum, 'points below the threshold')],
    ['best above threshold (N > n)', at(s.bestAboveThreshold, 'points above the threshold')],
    [
      'coefficient norm peak',
      `N = ${s.coefNormPeak.features}: ‖a‖ = ${s.coefNormPeak.coefNorm.toPrecision(4)}`,
    ],
  ];
  if (s.effective) rows.push(...effectiveRows(s.effective));
  return alignedLines(rows);
}
