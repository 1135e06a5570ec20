// Parsers for command-line values: each error names the option and the value at fault.
import { InvalidArgumentError } from 'commander';

export function positiveInteger(option: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(x) || x < 1) {
      throw new InvalidArgumentError(`${option} must be a positive integer, got '${value}'`);
    }
    return x;
  };
}

export function integer(option: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(x)) {
      throw new InvalidArgumentError(`${option} must be an integer, got '${value}'`);
    }
    return x;
  };
}

export function numberInRange(option: string, low: number, high: number, lowOpen = false) {
  return (value: string): number => {
    const x = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(x) && (lowOpen ? x > low : x >= low) && x <= high;
    if (!ok) {
      const range = `${lowOpen ? '(' : '['}${low}, ${high === Infinity ? '∞)' : `${high}]`}`;
      throw new InvalidArgumentError(`${option} must be a number in ${range}, got '${value}'`);
    }
    return x;
  };
}

/** `--features`: a comma list `a,b,c`, or `start:stop:count` (resolved by the preset once n is known). */
export function featureSpec(value: string): number[] | string {
  return sizeList('--features', value);
}

export function widthSpec(value: string): number[] | string {
  return sizeList('--widths', value);
}

/** A comma list of positive integers, or 'start:stop:count' (checked, expanded by the preset). */
function sizeList(option: string, value: string): number[] | string {
  const bad = (why: string) => new InvalidArgumentError(`${option} '${value}': ${why}`);
  const ints = (parts: string[]) =>
    parts.map((p) => {
      if (!/^\s*\d+\s*$/.test(p) || Number(p) < 1) throw bad(`'${p}' is not a positive integer`);
      return Number(p);
    });
  if (value.includes(':')) {
    const parts = value.split(':');
    if (parts.length !== 3) throw bad('expected start:stop:count');
    const [start, stop] = ints(parts);
    if (stop < start) throw bad(`stop ${stop} is below start ${start}`);
    return value;
  }
  return ints(value.split(','));
}

/** `--set field=value`, accumulated into an object; the value is parsed as JSON when it can be. */
export function setting(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--set expects field=value, got '${value}'`);
  const raw = value.slice(eq + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
}
