// The aggregate table of a sweep as CSV: one line per grid point, result row and metric, with the
// seed statistics of `ddlab show`. What `ddlab export --csv` prints and the web lab downloads.
import type { Stats } from '../experiments/common/statistics.js';
import type { GridAggregate } from '../sweep/aggregate.js';

const STAT_COLUMNS: (keyof Stats)[] = ['n', 'mean', 'std', 'median', 'q1', 'q3', 'ci95Low', 'ci95High'];

export function aggregateCsv(grids: GridAggregate[]): string {
  const axisKeys = [...new Set(grids.flatMap((g) => Object.keys(g.axes)))];
  const xKeys = [...new Set(grids.flatMap((g) => g.rows.flatMap((r) => Object.keys(r.x))))];
  const header = ['grid', ...axisKeys, ...xKeys, 'metric', 'ok', 'failed', ...STAT_COLUMNS];
  const lines = [header.join(',')];
  grids.forEach((g, k) => {
    for (const row of g.rows) {
      for (const [metric, s] of Object.entries(row.metrics)) {
        lines.push(
          [
            k + 1,
            ...axisKeys.map((a) => csvCell(g.axes[a])),
            ...xKeys.map((x) => csvCell(row.x[x])),
            metric,
            g.ok,
            g.failed,
            ...STAT_COLUMNS.map((c) => String(s[c])),
          ].join(','),
        );
      }
    }
  });
  return lines.join('\n') + '\n';
}

function csvCell(v: unknown): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
