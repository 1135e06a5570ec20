// Aggregation over seeds: for every grid point and every result row, the statistics of each metric
// across the seeds that finished — mean, sample standard deviation, median and quartiles (the
// double-descent peak is heavy-tailed, so medians and IQRs are reported beside means), and a 95%
// confidence interval for the mean (Student t).

export interface Stats {
  n: number;
  mean: number;
  std: number;
  median: number;
  q1: number;
  q3: number;
  ci95Low: number;
  ci95High: number;
}

export interface TrialRows {
  gridKey: string;
  axes: Record<string, unknown>;
  status: 'pending' | 'running' | 'done' | 'failed';
  points: Record<string, number>[];
}

export interface GridAggregate {
  gridKey: string;
  axes: Record<string, unknown>;
  ok: number;
  failed: number;
  unfinished: number;
  rows: { x: Record<string, number>; metrics: Record<string, Stats> }[];
}

/** Quantile by linear interpolation between order statistics (R's and numpy's default, type 7). */
export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

// Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function stats(values: number[]): Stats {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (T975[n - 2] ?? 1.96) * (std / Math.sqrt(n)) : NaN;
  return {
    n,
    mean,
    std,
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    ci95Low: mean - half,
    ci95High: mean + half,
  };
}

/**
 * Groups trials by grid point and aggregates their rows index by index. `indexKeys` name the keys
 * that identify a row (the model size N, say); when not given, they are the keys whose value is the
 * same in every seed at every row. All other keys are metrics.
 */
export function aggregate(trials: TrialRows[], indexKeys?: string[]): GridAggregate[] {
  const groups = new Map<string, TrialRows[]>();
  for (const t of trials) groups.set(t.gridKey, [...(groups.get(t.gridKey) ?? []), t]);
  return [...groups.values()].map((group) => {
    const done = group.filter((t) => t.status === 'done');
    const length = done.length ? Math.min(...done.map((t) => t.points.length)) : 0;
    const aligned = Array.from({ length }, (_, i) => done.map((t) => t.points[i]));
    const keys = indexKeys ?? constantKeys(aligned);
    return {
      gridKey: group[0].gridKey,
      axes: group[0].axes,
      ok: done.length,
      failed: group.filter((t) => t.status === 'failed').length,
      unfinished: group.filter((t) => t.status === 'pending' || t.status === 'running').length,
      rows: aligned.map((rows) => aggregateRow(rows, keys)),
    };
  });
}

function constantKeys(aligned: Record<string, number>[][]): string[] {
  if (aligned.length === 0 || aligned[0].length < 2) return [];
  return Object.keys(aligned[0][0]).filter((k) =>
    aligned.every((rows) => rows.every((r) => r[k] === rows[0][k])),
  );
}

function aggregateRow(rows: Record<string, number>[], indexKeys: string[]) {
  const x: Record<string, number> = {};
  const metrics: Record<string, Stats> = {};
  for (const key of Object.keys(rows[0])) {
    if (indexKeys.includes(key)) x[key] = rows[0][key];
    else metrics[key] = stats(rows.map((r) => r[key]));
  }
  return { x, metrics };
}

/** One flat row per (grid point, result row): x, numeric axes, and per metric its median as the
 * plain key plus `_mean`, `_std`, `_q1`, `_q3`, `_ci95Low`, `_ci95High`, `_n`. */
export function flatten(grid: GridAggregate): Record<string, number>[] {
  const numericAxes = Object.fromEntries(
    Object.entries(grid.axes).filter(([, v]) => typeof v === 'number') as [string, number][],
  );
  return grid.rows.map(({ x, metrics }) => {
    const row: Record<string, number> = { ...numericAxes, ...x };
    for (const [m, s] of Object.entries(metrics)) {
      row[m] = s.median;
      row[`${m}_mean`] = s.mean;
      row[`${m}_std`] = s.std;
      row[`${m}_q1`] = s.q1;
      row[`${m}_q3`] = s.q3;
      row[`${m}_ci95Low`] = s.ci95Low;
      row[`${m}_ci95High`] = s.ci95High;
      row[`${m}_n`] = s.n;
    }
    return row;
  });
}
