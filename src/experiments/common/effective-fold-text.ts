// The effective-parameter lines of a run summary (rff, polynomial): where p_test peaks, each
// branch's descents along p_test, and how the branch past the threshold sits against the one below.
import type { BranchFold, EffectiveFold } from './effective-fold.js';

export function effectiveRows(f: EffectiveFold, size = 'N'): [string, string][] {
  const g = (x: number) => x.toPrecision(4);
  const branch = (b: BranchFold) =>
    b.best
      ? `${b.localMinima} local ${b.localMinima === 1 ? 'minimum' : 'minima'} along p_test; best ${size} = ${b.best.size}: p_test ${g(b.best.effectiveTest)}, test loss ${g(b.best.testLoss)}`
      : '(no points)';
  const r = f.ratioToLowerBranch;
  return [
    ['effective parameters p_test', `peak at ${size} = ${f.peak.size}: p_test ${g(f.peak.effectiveTest)}`],
    ['  below the threshold', branch(f.below)],
    ['  at and above it', branch(f.above)],
    [
      '  above / below at equal p_test',
      r
        ? `test loss ratio ${g(r.min)} … ${g(r.max)} (median ${g(r.median)}, ${r.count} points)`
        : '(no overlap in p_test)',
    ],
  ];
}
