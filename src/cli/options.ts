// Parsers for command-line values: each error names the option and the value at fault.
import { InvalidArgumentError } from 'commander';
import { logSpacedFeatures } from '../experiments/rff.js';

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

export function oneOf<T extends string>(option: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${option} must be one of ${allowed.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

/**
 * A feature list: `a,b,c` (used as given, sorted) or `start:stop:count` (count log-spaced sizes;
 * the interpolation threshold N = n is added when it lies inside the range, so the peak is seen).
 * The range form is resolved later, once n is known.
 */
export type FeatureSpec = { list: number[] } | { start: number; stop: number; count: number };

export function featureSpec(value: string): FeatureSpec {
  const bad = (why: string) => new InvalidArgumentError(`--features '${value}': ${why}`);
  const ints = (parts: string[]) =>
    parts.map((p) => {
      const x = Number(p);
      if (!/^\s*\d+\s*$/.test(p) || x < 1) throw bad(`'${p}' is not a positive integer`);
      return x;
    });
  if (value.includes(':')) {
    const parts = value.split(':');
    if (parts.length !== 3) throw bad('expected start:stop:count');
    const [start, stop, count] = ints(parts);
    if (stop < start) throw bad(`stop ${stop} is below start ${start}`);
    return { start, stop, count };
  }
  const list = [...new Set(ints(value.split(',')))].sort((a, b) => a - b);
  if (list.length === 0) throw bad('no sizes');
  return { list };
}

export function resolveFeatures(spec: FeatureSpec, threshold: number): number[] {
  return 'list' in spec ? spec.list : logSpacedFeatures(spec.start, spec.stop, spec.count, threshold);
}
