// The random-features sweep two ways on this machine: ddlab's whole-curve solver, and the numpy
// script a careful user would write (bench/rff_numpy.py: every N from scratch, Cholesky on the
// smaller Gram matrix). Data loading is excluded from both times.
import { loadMnist } from '../src/sweep/dataset-files.js';
import { logSpacedFeatures } from '../src/experiments/common/grid.js';
import { runRff, RFF_DEFAULTS } from '../src/experiments/random-features/rff.js';
import type { CurvePoint } from '../src/probes/curve-point.js';
import { engineStats, resetEngineStats } from '../src/engine/session-cache.js';
import { runPython } from './reference.js';

export interface RffBenchOptions {
  n: number;
  nTest: number;
  features: number[];
  seed: number;
  /** Skip the numpy run (for scales where it would take hours). */
  ddlabOnly?: boolean;
}

export const RFF_BENCH: RffBenchOptions = {
  n: 2000,
  nTest: 2000,
  features: logSpacedFeatures(200, 20000, 15),
  seed: 1,
};

/** Belkin et al.'s full scale: n = 10⁴, N up to 6·10⁴ (ddlab only; reports time and peak memory). */
export const BELKIN_BENCH: RffBenchOptions = {
  n: 10000,
  nTest: 10000,
  features: logSpacedFeatures(1000, 60000, 30, 10000),
  seed: 1,
  ddlabOnly: true,
};

export async function benchRff(options: RffBenchOptions): Promise<void> {
  const { n, nTest, features, seed } = options;
  const data = loadMnist();
  resetEngineStats();
  const t0 = performance.now();
  const ours = await runRff({ ...RFF_DEFAULTS, n, nTest, features, seed }, data);
  const ddlabSeconds = (performance.now() - t0) / 1000;
  const peakGiB = process.resourceUsage().maxRSS / 1024 / 1024;
  console.log(
    `RFF sweep on MNIST: n=${n}, n-test=${nTest}, ${features.length} sizes N from ${features[0]} to ${features.at(-1)}`,
  );
  table(ours.points);
  console.log(`  ddlab                ${ddlabSeconds.toFixed(2)} s   (peak RSS ${peakGiB.toFixed(2)} GiB)`);
  const stats = [...engineStats()].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, 5);
  console.log('  where ddlab spends it (ONNX Runtime graphs, the rest is TypeScript):');
  for (const [graph, { calls, seconds }] of stats)
    console.log(`    ${seconds.toFixed(2).padStart(6)} s  ${String(calls).padStart(4)} calls  ${graph}`);
  if (options.ddlabOnly) return;
  const numpy = runPython<{ points: CurvePoint[]; totalSeconds: number }>(
    'rff_numpy.py',
    ['--json', `--n=${n}`, `--n-test=${nTest}`, `--features=${features.join(',')}`, `--seed=${seed}`],
    { benchmark: true },
  );
  console.log(`  numpy/scipy          ${numpy.totalSeconds.toFixed(2)} s`);
  console.log(`  ratio ddlab/numpy    ${(ddlabSeconds / numpy.totalSeconds).toFixed(2)}  (target ≤ 0.50)`);
  const err = (ps: CurvePoint[], f: number) => ps.find((p) => p.features === f)?.testError ?? NaN;
  console.log('  test error (ddlab seed vs numpy seed; different random draws, same setup):');
  for (const f of features)
    console.log(
      `    N=${String(f).padStart(6)}  ${err(ours.points, f).toFixed(4)}  ${err(numpy.points, f).toFixed(4)}`,
    );
}

function table(points: CurvePoint[]): void {
  console.log('       N   trainLoss    testLoss  testError    coefNorm   condition');
  for (const p of points) {
    console.log(
      `  ${String(p.features).padStart(6)}  ${p.trainLoss.toExponential(2).padStart(10)}  ${p.testLoss
        .toPrecision(4)
        .padStart(
          10,
        )}  ${p.testError.toFixed(4).padStart(9)}  ${p.coefNorm.toPrecision(4).padStart(10)}  ${p.condition
        .toExponential(2)
        .padStart(10)}`,
    );
  }
}
