// Building blocks of the preset schemas (zod): each field type carries one message, "must be …",
// that an error prints after the field's path, followed by the value at fault — so every config
// error reads `n must be a positive integer, got -5` wherever it comes from (CLI, spec file, web).
import { z } from 'zod';

const must = (what: string) => ({ error: `must be ${what}` });

export function integer(): z.ZodNumber {
  const m = must('an integer');
  return z.number(m).int(m);
}

export function positiveInteger(): z.ZodNumber {
  const m = must('a positive integer');
  return z.number(m).int(m).min(1, m);
}

/** An integer ≥ min; `what` says what it is ("a polynomial degree (an integer ≥ 0)"). */
export function integerAtLeast(min: number, what = `an integer ≥ ${min}`): z.ZodNumber {
  const m = must(what);
  return z.number(m).int(m).min(min, m);
}

/** A finite number in [low, high] (or (low, …) / (…, high) with the open flags); ∞ means unbounded. */
export function numberIn(
  low: number,
  high: number,
  open: { low?: boolean; high?: boolean } = {},
): z.ZodNumber {
  const range = `${open.low ? '(' : '['}${low}, ${high === Infinity ? '∞)' : `${high}${open.high ? ')' : ']'}`}`;
  const m = must(`a number in ${range}`);
  let s = z.number(m);
  if (low > -Infinity) s = open.low ? s.gt(low, m) : s.gte(low, m);
  if (high < Infinity) s = open.high ? s.lt(high, m) : s.lte(high, m);
  return s;
}

export function finite(): z.ZodNumber {
  return z.number(must('a finite number'));
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, must(`one of ${values.join(', ')}`));
}

export function flag(): z.ZodBoolean {
  return z.boolean(must('true or false'));
}

export function nonEmptyString(): z.ZodString {
  const m = must('a non-empty string');
  return z.string(m).min(1, m);
}

/** A non-empty list of `item`s. */
export function listOf<T extends z.ZodType>(item: T, what: string) {
  const m = must(`a non-empty list of ${what}`);
  return z.array(item, m).min(1, m);
}

/** The values sorted increasing, each once (a list of sizes or widths as the presets use it). */
export function sortedUnique(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** A field map without some fields (a preset that fixes or replaces them). */
export function omitFields<S extends Record<string, z.ZodType>, K extends keyof S>(
  shape: S,
  keys: readonly K[],
): Omit<S, K> {
  const rest: Record<string, z.ZodType> = { ...shape };
  for (const k of keys) delete rest[k as string];
  return rest as Omit<S, K>;
}
