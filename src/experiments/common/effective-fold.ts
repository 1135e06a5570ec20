// Does a double-descent curve fold back into a U when read against effective parameters instead of
// raw parameters (Curth, Jeffares & van der Schaar 2023)? Past the threshold the generalized
// effective parameters p_test fall again as the model grows, so the second descent becomes a second
// pass over p_test values the first branch already visited. This summary says, per branch (below /
// at-and-above the threshold), how many descents the test loss makes along increasing p_test (one
// local minimum: a U or a monotone arm, no second descent), and how the branch past the threshold
// sits against the one below it at equal p_test: the ratio of its test loss to the lower branch's,
// interpolated log–log (1 everywhere: it folds back exactly onto the same curve).
import { quantile } from './statistics.js';

export interface FoldPoint {
  /** The raw complexity knob (features N, or degree + 1). */
  size: number;
  testLoss: number;
  effectiveTest: number;
}

export interface BranchFold {
  points: number;
  /** Local minima of test loss along increasing p_test (1: a single U or a monotone arm). */
  localMinima: number;
  /** The branch's lowest test loss and where it sits. */
  best: { size: number; effectiveTest: number; testLoss: number } | null;
}

export interface EffectiveFold {
  below: BranchFold;
  above: BranchFold;
  /** Largest p_test of the curve (at the interpolation threshold for ridgeless fits). */
  peak: { size: number; effectiveTest: number; testLoss: number };
  /**
   * Test loss of the points past the threshold over the lower branch's at the same p_test, for the
   * points whose p_test lies inside the lower branch's range (null when none does).
   */
  ratioToLowerBranch: { count: number; min: number; median: number; max: number } | null;
}

/** `threshold`: the first size that interpolates (N = n, or degree n − 1's n features). */
export function effectiveFold(points: FoldPoint[], threshold: number): EffectiveFold {
  if (points.length === 0) throw new Error('effectiveFold: no points');
  const below = points.filter((p) => p.size < threshold);
  const above = points.filter((p) => p.size >= threshold);
  const lower = [...below].sort((a, b) => a.effectiveTest - b.effectiveTest);
  const ratios: number[] = [];
  for (const p of above) {
    const at = logInterpolate(lower, p.effectiveTest);
    if (at !== undefined) ratios.push(p.testLoss / at);
  }
  const ref = (p: FoldPoint) => ({ size: p.size, effectiveTest: p.effectiveTest, testLoss: p.testLoss });
  return {
    below: branch(below),
    above: branch(above),
    peak: ref(points.reduce((a, b) => (b.effectiveTest > a.effectiveTest ? b : a))),
    ratioToLowerBranch: ratios.length
      ? {
          count: ratios.length,
          min: Math.min(...ratios),
          median: quantile(
            [...ratios].sort((a, b) => a - b),
            0.5,
          ),
          max: Math.max(...ratios),
        }
      : null,
  };
}

function branch(points: FoldPoint[]): BranchFold {
  const sorted = [...points].sort((a, b) => a.effectiveTest - b.effectiveTest);
  let minima = 0;
  for (let i = 0; i < sorted.length; i++) {
    const left = i === 0 || sorted[i - 1].testLoss > sorted[i].testLoss;
    const right = i === sorted.length - 1 || sorted[i + 1].testLoss > sorted[i].testLoss;
    if (left && right) minima++;
  }
  const best = sorted.length ? sorted.reduce((a, b) => (b.testLoss < a.testLoss ? b : a)) : null;
  return {
    points: points.length,
    localMinima: minima,
    best: best && { size: best.size, effectiveTest: best.effectiveTest, testLoss: best.testLoss },
  };
}

/** The loss of a curve sorted by p_test at p, linear in (log p, log loss); undefined outside its range. */
function logInterpolate(curve: FoldPoint[], p: number): number | undefined {
  if (curve.length < 2 || p < curve[0].effectiveTest || p > curve[curve.length - 1].effectiveTest)
    return undefined;
  let k = 1;
  while (curve[k].effectiveTest < p) k++;
  const [a, b] = [curve[k - 1], curve[k]];
  if (b.effectiveTest === a.effectiveTest) return a.testLoss;
  const t = Math.log(p / a.effectiveTest) / Math.log(b.effectiveTest / a.effectiveTest);
  return Math.exp((1 - t) * Math.log(a.testLoss) + t * Math.log(b.testLoss));
}
