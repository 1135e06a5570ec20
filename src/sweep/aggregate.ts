// Aggregation over seeds: for every grid point and every result row, the statistics of each metric
// across the seeds that finished — mean, sample standard deviation, median and quartiles (the
// double-descent peak is heavy-tailed, so medians and IQRs are reported beside means), and a 95%
// confidence interval for the mean (Student t), computed by experiments/common/statistics.

import { stats, type Stats } from '../experiments/common/statistics.js';

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
