import { describe, expect, it } from 'vitest';
import { effectiveFold, type FoldPoint } from '../src/experiments/common/effective-fold.js';

// A lower branch U in p_test (minimum at p = 100) and a branch past the threshold (n = 10) whose
// p_test falls again as the size grows.
const below: FoldPoint[] = [
  { size: 2, effectiveTest: 20, testLoss: 1 },
  { size: 4, effectiveTest: 50, testLoss: 0.6 },
  { size: 6, effectiveTest: 100, testLoss: 0.5 },
  { size: 8, effectiveTest: 400, testLoss: 0.8 },
  { size: 9, effectiveTest: 1000, testLoss: 2 },
];

describe('effectiveFold', () => {
  it('a branch past the threshold on the lower curve: ratio 1, one minimum per branch', () => {
    const above: FoldPoint[] = [
      { size: 10, effectiveTest: 5000, testLoss: 9 },
      { size: 20, effectiveTest: 400, testLoss: 0.8 },
      { size: 40, effectiveTest: 100, testLoss: 0.5 },
    ];
    const f = effectiveFold([...below, ...above], 10);
    expect(f.below.localMinima).toBe(1);
    expect(f.below.best).toEqual({ size: 6, effectiveTest: 100, testLoss: 0.5 });
    expect(f.above.localMinima).toBe(1);
    expect(f.peak.size).toBe(10);
    // 5000 lies outside the lower branch's p_test range: two points compared, both on it.
    expect(f.ratioToLowerBranch).toEqual({ count: 2, min: 1, median: 1, max: 1 });
  });

  it('a lower second branch gives ratios below 1, interpolated log–log; a second descent counts', () => {
    const above: FoldPoint[] = [
      { size: 10, effectiveTest: 5000, testLoss: 9 },
      { size: 20, effectiveTest: 200, testLoss: 0.2 }, // lower curve at 200: √(0.5·0.8)
      { size: 30, effectiveTest: 150, testLoss: 0.3 },
      { size: 40, effectiveTest: 100, testLoss: 0.25 },
    ];
    const f = effectiveFold([...below, ...above], 10);
    const at200 = Math.exp((Math.log(0.5) + Math.log(0.8)) / 2);
    expect(f.ratioToLowerBranch!.count).toBe(3);
    expect(f.ratioToLowerBranch!.min).toBeCloseTo(0.2 / at200, 12);
    const t = Math.log(1.5) / Math.log(4); // 150 between 100 and 400
    const at150 = Math.exp((1 - t) * Math.log(0.5) + t * Math.log(0.8));
    expect(f.ratioToLowerBranch!.max).toBeCloseTo(0.3 / at150, 12);
    expect(f.ratioToLowerBranch!.median).toBeCloseTo(0.5, 12); // 0.25 / 0.5 at p = 100
    // Along increasing p_test: 0.25, 0.3, 0.2, 9 — two local minima.
    expect(f.above.localMinima).toBe(2);
  });

  it('rejects an empty curve', () => {
    expect(() => effectiveFold([], 10)).toThrow(/no points/);
  });
});
