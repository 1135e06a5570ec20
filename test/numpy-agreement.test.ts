// ddlab against an independent numpy implementation of the same setup (bench/rff_numpy.py: its own
// random subsets and features, numpy's RNG, scipy's Cholesky, every N solved from scratch).
//
// Tolerance: the two draw different random subsets and features, so they agree only up to the
// seed-to-seed spread. With k = 10 seeds each, the difference of the two means has standard error
// SE = s·sqrt(2/k), s² the pooled variance over seeds of both; we accept |mean_ddlab − mean_numpy|
// ≤ 4·SE (a t statistic with 18 degrees of freedom exceeds 4 with probability < 0.001 if the two
// compute the same thing). The runs are seeded, so the test is deterministic. Points next to the
// threshold are left out: there the spread is heavy-tailed (the peak). A check that 4·SE stays small
// keeps the test able to fail.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../src/sweep/dataset-files.js';
import { runRff, RFF_DEFAULTS } from '../src/experiments/random-features/rff.js';
import type { CurvePoint } from '../src/probes/curve-point.js';
import { runPython } from '../bench/reference.js';

const n = 300;
const nTest = 1000;
const features = [60, 150, 900, 3000];
const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);

describe('agreement with numpy', () => {
  it('test loss and test error agree within the seed-to-seed spread', async () => {
    const data = loadMnist();
    const ours: CurvePoint[][] = [];
    const theirs: CurvePoint[][] = [];
    for (const seed of seeds) {
      ours.push((await runRff({ ...RFF_DEFAULTS, n, nTest, features, seed }, data)).points);
      theirs.push(
        runPython<{ points: CurvePoint[] }>('rff_numpy.py', [
          '--json',
          `--n=${n}`,
          `--n-test=${nTest}`,
          `--features=${features.join(',')}`,
          `--seed=${seed}`,
        ]).points,
      );
    }
    features.forEach((f, i) => {
      for (const key of ['testLoss', 'testError'] as const) {
        const a = ours.map((pts) => pts[i][key]);
        const b = theirs.map((pts) => pts[i][key]);
        expect(theirs[0][i].features).toBe(f);
        const se = Math.sqrt((variance(a) + variance(b)) / 2) * Math.sqrt(2 / seeds.length);
        expect(Math.abs(mean(a) - mean(b)), `${key} at N = ${f}`).toBeLessThanOrEqual(4 * se);
        expect(4 * se, `${key} at N = ${f}: tolerance`).toBeLessThan(0.15 * mean(b));
      }
    });
  });
});
