// Parsers for command-line values: each error names the option and the value at fault.
import { InvalidArgumentError } from 'commander';
import { parseRange } from '../experiments/common/grid.js';
import { presetJsonSchema } from '../experiments/preset-json-schema.js';
import type { Preset } from '../experiments/preset.js';

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

/** A decimal number as people write it: no hex, binary or octal forms, no empty string. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function numberInRange(option: string, low: number, high: number, lowOpen = false) {
  return (value: string): number => {
    const x = Number(value);
    const ok = DECIMAL.test(value) && Number.isFinite(x) && (lowOpen ? x > low : x >= low) && x <= high;
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
    const range = parseRange(value);
    if (!range) throw bad('expected start:stop:count (positive integers)');
    if (range.start < 1 || range.count < 1) throw bad('start and count must be positive integers');
    if (range.stop < range.start) throw bad(`stop ${range.stop} is below start ${range.start}`);
    return value;
  }
  return ints(value.split(','));
}

/** `--set field=value`, accumulated as text; `settingValue` reads it by the preset's field type. */
export function setting(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--set expects field=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/**
 * The value of `--set field=text` for a preset, read by the field's type in its JSON Schema: a
 * number field takes a decimal number, a text field the text as it stands, any other (lists,
 * objects, alternatives) JSON — or the text, for forms like 'start:stop:count' and names.
 */
export function settingValue(preset: Preset, field: string, text: string): unknown {
  const properties = (presetJsonSchema(preset) as { properties: Record<string, { type?: string }> })
    .properties;
  const aliases = preset.aliases ?? {};
  const target = Object.hasOwn(aliases, field) ? aliases[field] : field;
  const type = Object.hasOwn(properties, target) ? properties[target].type : undefined;
  if (type === 'number' || type === 'integer') {
    if (!DECIMAL.test(text)) throw new Error(`--set ${field}: expected a number, got '${text}'`);
    return Number(text);
  }
  if (type === 'boolean') {
    if (text !== 'true' && text !== 'false')
      throw new Error(`--set ${field}: expected true or false, got '${text}'`);
    return text === 'true';
  }
  if (type === 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
