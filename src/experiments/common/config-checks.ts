// Validation of configuration fields, shared by the presets: each error names the field, the bad
// value and what is allowed.

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

export function positiveInteger(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new Error(`${field} must be a positive integer, got ${show(v)}`);
  }
  return v;
}

export function integer(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new Error(`${field} must be an integer, got ${show(v)}`);
  return v;
}

export function numberIn(field: string, v: unknown, low: number, high: number, lowOpen = false): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (lowOpen ? v > low : v >= low) && v <= high;
  if (!ok) {
    const range = `${lowOpen ? '(' : '['}${low}, ${high === Infinity ? '∞)' : `${high}]`}`;
    throw new Error(`${field} must be a number in ${range}, got ${show(v)}`);
  }
  return v as number;
}

export function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Error(`${field} must be one of ${allowed.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

export function nonEmptyString(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new Error(`${field} must be a non-empty string, got ${show(v)}`);
  return v;
}

/** Rejects keys the preset does not know (a typo must not be silently ignored). */
export function knownKeys(preset: string, config: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(config)) {
    if (!known.includes(k))
      throw new Error(`${preset}: unknown config field '${k}' (known: ${known.join(', ')})`);
  }
}
