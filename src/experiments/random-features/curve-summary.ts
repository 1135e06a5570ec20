// The headline numbers of a double-descent curve: where it peaks, the classical optimum below the
// interpolation threshold, and the best model above it.
import type { CurvePoint } from '../../probes/curve-point.js';
import { effectiveFold, type EffectiveFold } from '../common/effective-fold.js';

export interface PointRef {
  features: number;
  testLoss: number;
  testError: number;
}

export interface CurveSummary {
  /** Model size where the model can first interpolate the n training points (N = n). */
  interpolationThreshold: number;
  peakTestLoss: PointRef;
  peakTestError: PointRef;
  /** Lowest test loss among N < n (the classical sweet spot), or null if no such point. */
  classicalMinimum: PointRef | null;
  /** Lowest test error among N > n, or null if no such point. */
  bestAboveThreshold: PointRef | null;
  coefNormPeak: { features: number; coefNorm: number };
  /** Test loss against generalized effective parameters, when the points carry them. */
  effective?: EffectiveFold;
}

export function summarizeCurve(points: CurvePoint[], threshold: number): CurveSummary {
  if (points.length === 0) throw new Error('summarizeCurve: no points');
  const ref = (p: CurvePoint): PointRef => ({
    features: p.features,
    testLoss: p.testLoss,
    testError: p.testError,
  });
  const below = points.filter((p) => p.features < threshold);
  const above = points.filter((p) => p.features > threshold);
  const norm = best(points, (p) => -p.coefNorm);
  return {
    interpolationThreshold: threshold,
    peakTestLoss: ref(best(points, (p) => -p.testLoss)),
    peakTestError: ref(best(points, (p) => -p.testError)),
    classicalMinimum: below.length ? ref(best(below, (p) => p.testLoss)) : null,
    bestAboveThreshold: above.length ? ref(best(above, (p) => p.testError)) : null,
    coefNormPeak: { features: norm.features, coefNorm: norm.coefNorm },
    ...(points.every((p) => Number.isFinite(p.effectiveTest)) && {
      effective: effectiveFold(
        points.map((p) => ({ size: p.features, testLoss: p.testLoss, effectiveTest: p.effectiveTest })),
        threshold,
      ),
    }),
  };
}

/** The point minimising `key` (the first one on ties). */
function best(points: CurvePoint[], key: (p: CurvePoint) => number): CurvePoint {
  return points.reduce((a, b) => (key(b) < key(a) ? b : a));
}
