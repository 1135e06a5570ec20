// Validation of the parameters of the closed-form curves: every error names the parameter, the bad
// value and what is allowed (NaN and ±Infinity are always rejected).

const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v));

/** A finite number > 0. */
export function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`${name} must be a finite number > 0, got ${show(v)}`);
  }
  return v;
}

/** A finite number ≥ 0. */
export function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${name} must be a finite number ≥ 0, got ${show(v)}`);
  }
  return v;
}

/** A time t ≥ 0, where t = Infinity (the end point of the flow) is allowed. */
export function time(name: string, v: number): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
    throw new Error(`${name} must be a number ≥ 0 (Infinity allowed), got ${show(v)}`);
  }
  return v;
}

/** An integer ≥ 1. */
export function count(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new Error(`${name} must be a positive integer, got ${show(v)}`);
  }
  return v;
}
