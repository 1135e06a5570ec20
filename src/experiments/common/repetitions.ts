// Seeds of the repetitions within one run (the presets that redraw their problem `seeds` times and
// report statistics over the draws: linear-gaussian, rf-relu-gaussian).

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
