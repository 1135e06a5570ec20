// JSON for API responses. Statistics hold NaN and ±Infinity (the std of one seed, a log of zero),
// which JSON.stringify would turn into null, a value nobody measured: they go out as the strings
// "NaN", "Infinity" and "-Infinity" instead.
export function jsonBody(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}
