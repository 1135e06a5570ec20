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

/** Repetitions per base seed: repetition r of base seed s draws with seed s·2²⁰ + r. */
export const MAX_REPETITIONS = 2 ** 20;

/**
 * The seed of repetition r (0 ≤ r < 2²⁰) of a run with base seed s: s·2²⁰ + r. Runs with different
 * base seeds (e.g. the trials of `ddlab run --seeds k`) therefore never share a draw, as they would
 * with s + r.
 */
export function repetitionSeed(seed: number, repetition: number): number {
  if (!(Number.isSafeInteger(seed) && Math.abs(seed) < 2 ** 32)) {
    throw new Error(`seed must be an integer with |seed| < 2³², got ${seed}`);
  }
  if (!(Number.isInteger(repetition) && repetition >= 0 && repetition < MAX_REPETITIONS)) {
    throw new Error(`repetition must be an integer in [0, 2²⁰), got ${repetition}`);
  }
  return seed * MAX_REPETITIONS + repetition;
}

/** Validates a (seed, seeds) pair of a repeated preset: errors name the field. */
export function checkRepetitions(seed: number, seeds: number): void {
  if (Math.abs(seed) >= 2 ** 32) throw new Error(`seed must be an integer with |seed| < 2³², got ${seed}`);
  if (seeds > MAX_REPETITIONS)
    throw new Error(`seeds must be at most 2²⁰ = ${MAX_REPETITIONS}, got ${seeds}`);
}
