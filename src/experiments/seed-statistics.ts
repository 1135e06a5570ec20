// Statistics of one measurement across seeds: median and quartiles (the double-descent peak is
// heavy-tailed) beside the mean and the sample standard deviation.

export interface SeedStatistics {
  median: number;
  q1: number;
  q3: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single seed. */
  sd: number;
}

/** Quantile by linear interpolation between order statistics (numpy's and R's default, type 7). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function seedStatistics(values: readonly number[]): SeedStatistics {
  if (values.length === 0) throw new Error('seedStatistics: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return {
    median: quantileOfSorted(sorted, 0.5),
    q1: quantileOfSorted(sorted, 0.25),
    q3: quantileOfSorted(sorted, 0.75),
    mean,
    sd: values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0,
  };
}
