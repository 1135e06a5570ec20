// Grids of model sizes, widths and the like: log-spaced integers and the 'start:stop:count' form.

/** `count` log-spaced integers from start to stop, plus `include` (the threshold) if in range. */
export function logSpacedFeatures(start: number, stop: number, count: number, include?: number): number[] {
  if (!(Number.isInteger(start) && Number.isInteger(stop) && start >= 1 && stop >= start)) {
    throw new Error(`feature range ${start}:${stop} needs integers 1 ≤ start ≤ stop`);
  }
  if (!(Number.isInteger(count) && count >= 1))
    throw new Error(`feature count must be a positive integer, got ${count}`);
  const values = new Set<number>();
  for (let i = 0; i < count; i++) {
    const t = count === 1 ? 0 : i / (count - 1);
    values.add(Math.round(start * Math.pow(stop / start, t)));
  }
  if (include !== undefined && include >= start && include <= stop) values.add(include);
  return [...values].sort((a, b) => a - b);
}
