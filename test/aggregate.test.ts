import { describe, expect, it } from 'vitest';
import { aggregate, flatten } from '../src/sweep/aggregate.js';
import { quantile, stats } from '../src/experiments/common/statistics.js';

describe('aggregation over seeds', () => {
  it('computes the statistics by hand for a small sample', () => {
    const s = stats([4, 1, 10, 3, 2]);
    // mean 4; deviations 0,−3,6,−1,−2 → Σ² = 50 → sample variance 12.5
    expect(s.n).toBe(5);
    expect(s.mean).toBe(4);
    expect(s.std).toBeCloseTo(Math.sqrt(12.5), 12);
    // sorted 1,2,3,4,10: median 3; type-7 quartiles at positions 1 and 3 → 2 and 4
    expect(s.median).toBe(3);
    expect(s.q1).toBe(2);
    expect(s.q3).toBe(4);
    // t(0.975, 4 df) = 2.776
    expect(s.ci95Low).toBeCloseTo(4 - (2.776 * Math.sqrt(12.5)) / Math.sqrt(5), 12);
    expect(s.ci95High).toBeCloseTo(4 + (2.776 * Math.sqrt(12.5)) / Math.sqrt(5), 12);
  });

  it('gives a single value std 0 and no interval, and refuses no values', () => {
    expect(stats([2])).toMatchObject({ n: 1, mean: 2, std: 0, median: 2, q1: 2, q3: 2 });
    expect(stats([2]).ci95Low).toBeNaN();
    expect(() => stats([])).toThrow(/no values/);
  });

  it('interpolates quantiles like numpy', () => {
    // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.9]) = [1.75, 2.5, 3.7]
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
  });

  it('groups by grid point, aligns rows by index and counts ok / failed', () => {
    const row = (features: number, err: number) => ({ features, testError: err });
    const grids = aggregate(
      [
        { gridKey: 'a', axes: { n: 1 }, status: 'done', points: [row(10, 0.5), row(20, 0.3)] },
        { gridKey: 'a', axes: { n: 1 }, status: 'done', points: [row(10, 0.7), row(20, 0.1)] },
        { gridKey: 'a', axes: { n: 1 }, status: 'failed', points: [] },
        { gridKey: 'b', axes: { n: 2 }, status: 'done', points: [row(10, 0.2), row(20, 0.2)] },
        { gridKey: 'b', axes: { n: 2 }, status: 'pending', points: [] },
      ],
      ['features'],
    );
    expect(grids.map((g) => [g.ok, g.failed, g.unfinished])).toEqual([
      [2, 1, 0],
      [1, 0, 1],
    ]);
    expect(grids[0].rows[0].x).toEqual({ features: 10 });
    expect(grids[0].rows[0].metrics.testError.mean).toBeCloseTo(0.6, 12);
    expect(grids[0].rows[1].metrics.testError.median).toBeCloseTo(0.2, 12);
    const flat = flatten(grids[0]);
    expect(flat[0]).toMatchObject({ n: 1, features: 10, testError_n: 2 });
    expect(flat[0].testError).toBeCloseTo(0.6, 12);
    expect(flat[0].testError_std).toBeCloseTo(Math.sqrt(0.02), 12);
  });

  it('without index keys, takes the keys equal in every seed and row as identifiers', () => {
    const grids = aggregate([
      {
        gridKey: 'a',
        axes: {},
        status: 'done',
        points: [
          { epoch: 1, loss: 2 },
          { epoch: 2, loss: 1 },
        ],
      },
      {
        gridKey: 'a',
        axes: {},
        status: 'done',
        points: [
          { epoch: 1, loss: 4 },
          { epoch: 2, loss: 3 },
        ],
      },
    ]);
    expect(grids[0].rows.map((r) => r.x)).toEqual([{ epoch: 1 }, { epoch: 2 }]);
    expect(grids[0].rows[1].metrics.loss.mean).toBe(2);
  });
});
