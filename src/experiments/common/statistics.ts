// Statistics of one measurement across seeds: mean, sample standard deviation, median and quartiles
// (the double-descent peak is heavy-tailed, so medians and IQRs are reported beside means), and a
// 95% confidence interval for the mean (Student t). Used by the presets that repeat a draw within a
// run (linear-gaussian, rf-relu-gaussian) and by the sweep's aggregation over seeds.

export interface Stats {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  median: number;
  q1: number;
  q3: number;
  /** 95% confidence interval for the mean (Student t); NaN for a single value. */
  ci95Low: number;
  ci95High: number;
}

/** Quantile by linear interpolation between order statistics (R's and numpy's default, type 7). */
export function quantile(sorted: readonly number[], p: number): number {
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

/** The statistics of `values` (at least one). */
export function stats(values: readonly number[]): Stats {
  const n = values.length;
  if (n === 0) throw new Error('stats: no values');
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
