// Grids of model sizes, widths and dimensions: a list, the range form 'start:stop:count' (count
// log-spaced integers), or 'auto' where a preset has a default grid. One schema for the input,
// one expansion; every preset and the CLI use these.
import { z } from 'zod';
import { positiveInteger, sortedUnique } from './fields.js';

const RANGE = /^\s*(\d+)\s*:\s*(\d+)\s*:\s*(\d+)\s*$/;

export interface GridRange {
  start: number;
  stop: number;
  count: number;
}

/** 'start:stop:count' as numbers, or null when the text is not of that form. */
export function parseRange(text: string): GridRange | null {
  const m = RANGE.exec(text);
  return m ? { start: Number(m[1]), stop: Number(m[2]), count: Number(m[3]) } : null;
}

/**
 * The input schema of a grid of positive integers: a non-empty list, 'start:stop:count' with
 * 1 ≤ start ≤ stop and count ≥ 1, and (with `auto`) the word 'auto'.
 */
export function gridInput(what: string, options: { auto?: boolean } = {}) {
  const forms = `a non-empty list of ${what}, 'start:stop:count'${options.auto ? " or 'auto'" : ''}`;
  const text = z
    .string()
    .refine(
      (s) => {
        if (options.auto && s === 'auto') return true;
        const r = parseRange(s);
        return r !== null && r.start >= 1 && r.stop >= r.start && r.count >= 1;
      },
      { error: `must be ${forms} (with 1 ≤ start ≤ stop, count ≥ 1)` },
    )
    .describe(options.auto ? "'start:stop:count' or 'auto'" : "'start:stop:count'");
  const list = z
    .array(positiveInteger(), { error: `must be ${forms}` })
    .min(1, { error: `must be ${forms}` });
  return z.union([list, text], { error: `must be ${forms}` });
}

/**
 * A grid input as sorted distinct integers: lists as given, ranges log-spaced (plus `include` when
 * it lies inside), 'auto' from `auto()`.
 */
export function expandGrid(
  value: number[] | string,
  options: { include?: number; auto?: () => number[] } = {},
): number[] {
  if (Array.isArray(value)) return sortedUnique(value);
  if (value === 'auto' && options.auto) return options.auto();
  const r = parseRange(value);
  if (!r) throw new Error(`not a grid: '${value}'`);
  return logSpacedFeatures(r.start, r.stop, r.count, options.include);
}

/** `count` numbers from `from` to `to` (both > 0), evenly spaced in log: from·(to/from)^(i/(count − 1)). */
export function logSpaced(from: number, to: number, count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => from * Math.pow(to / from, count === 1 ? 0 : i / (count - 1)),
  );
}

/** `count` log-spaced integers from start to stop, plus `include` (the threshold) if in range. */
export function logSpacedFeatures(start: number, stop: number, count: number, include?: number): number[] {
  if (!(Number.isInteger(start) && Number.isInteger(stop) && start >= 1 && stop >= start)) {
    throw new Error(`feature range ${start}:${stop} needs integers 1 ≤ start ≤ stop`);
  }
  if (!(Number.isInteger(count) && count >= 1))
    throw new Error(`feature count must be a positive integer, got ${count}`);
  const values = new Set(logSpaced(start, stop, count).map(Math.round));
  if (include !== undefined && include >= start && include <= stop) values.add(include);
  return [...values].sort((a, b) => a - b);
}
