// The shape of a measured curve: where it falls, rises and falls again. Used to say whether an
// epoch-wise or sample-wise curve shows a peak, by numbers rather than by eye.

export interface PeakShape {
  /** Index of the lowest point before the peak. */
  before: number;
  /** Index of the peak: the point highest above the lowest points on both of its sides. */
  peak: number;
  /** Index of the lowest point after the peak. */
  after: number;
  /**
   * min(v[peak] − v[before], v[peak] − v[after]) ≥ 0: how far the curve rises and then falls again;
   * 0 for a curve without a peak (monotone, or a single U or ∩ that does not come back down).
   */
  height: number;
}

/**
 * The most pronounced interior peak of `values` (in order along the axis): the index j maximising
 * min(v_j − min_{i ≤ j} v_i, v_j − min_{l ≥ j} v_l).
 */
export function peakShape(values: readonly number[]): PeakShape {
  const m = values.length;
  if (m === 0) throw new Error('peakShape: no values');
  const lowBefore: number[] = [];
  const lowAfter: number[] = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    const prev = i > 0 ? lowBefore[i - 1] : i;
    lowBefore.push(i > 0 && values[prev] <= values[i] ? prev : i);
  }
  for (let i = m - 1; i >= 0; i--) {
    const next = i < m - 1 ? lowAfter[i + 1] : i;
    lowAfter[i] = i < m - 1 && values[next] < values[i] ? next : i;
  }
  let best: PeakShape = { before: 0, peak: 0, after: 0, height: 0 };
  for (let j = 0; j < m; j++) {
    const height = Math.min(values[j] - values[lowBefore[j]], values[j] - values[lowAfter[j]]);
    if (height > best.height) best = { before: lowBefore[j], peak: j, after: lowAfter[j], height };
  }
  return best;
}

/** Index of the smallest value (the first one on ties). */
export function argMin(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}
