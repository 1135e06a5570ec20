// Seeds of the repetitions within one run (the presets that redraw their problem `seeds` times and
// report statistics over the draws: linear-gaussian, rf-relu-gaussian).
import { integer, positiveInteger } from './fields.js';

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

/** The fields of a preset that repeats inside a trial: `seeds` repetitions from a base `seed`. */
export function repetitionFields(defaultSeeds: number, what: string) {
  return {
    seeds: positiveInteger()
      .max(MAX_REPETITIONS, { error: `must be at most 2²⁰ = ${MAX_REPETITIONS}` })
      .default(defaultSeeds)
      .describe(`${what}: repetition r uses seed·2²⁰ + r`),
    seed: integer()
      .refine((s) => Math.abs(s) < 2 ** 32, { error: 'must be an integer with |seed| < 2³²' })
      .default(1)
      .describe('base seed'),
  };
}
