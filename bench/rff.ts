// The random-features sweep two ways on this machine: ddlab's whole-curve solver, and the numpy
// script a careful user would write (bench/rff_numpy.py: every N from scratch, Cholesky on the
// smaller Gram matrix). Data loading is excluded from both times. At Belkin et al.'s scale it also
// prints the solver's flop count, the f64 GEMM rate measured in the same process, and their quotient:
// the time the run cannot beat on this machine.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadMnist } from '../src/sweep/dataset-files.js';
import { logSpacedFeatures } from '../src/experiments/common/grid.js';
import { runRff, RFF_DEFAULTS } from '../src/experiments/random-features/rff.js';
import type { CurvePoint } from '../src/probes/curve-point.js';
import { engineStats, resetEngineStats } from '../src/engine/session-cache.js';
import { defaultStorage } from '../src/fit/feature-curve.js';
import { gemm } from '../src/engine/gemm.js';
import { gramPanels } from '../src/engine/gram-accumulator.js';
import { Rng } from '../src/engine/random.js';
import { featureLanesOnThreads } from '../src/sweep/feature-lanes.js';
import type { FeatureLanes } from '../src/models/feature-lanes.js';
import { runPython } from './reference.js';
import { ddlabCommandSeconds } from './cli-timing.js';

export interface RffBenchOptions {
  n: number;
  nTest: number;
  features: number[];
  seed: number;
  /** Skip the numpy run (for scales where it would take hours). */
  ddlabOnly?: boolean;
  /** Keep or stream the feature columns (default: by their size, as `ddlab run rff` does). */
  storage?: 'keep' | 'stream';
}

export const RFF_BENCH: RffBenchOptions = {
  n: 2000,
  nTest: 2000,
  features: logSpacedFeatures(200, 20000, 15),
  seed: 1,
};

/** Belkin et al.'s full scale: n = 10⁴, 40 sizes N up to 6·10⁴ (ddlab only; time, flops, peak memory). */
export const BELKIN_BENCH: RffBenchOptions = {
  n: 10000,
  nTest: 10000,
  features: logSpacedFeatures(1000, 60000, 39, 10000),
  seed: 1,
  ddlabOnly: true,
};

/** The same shape at a fifth of the scale, streamed: how peak memory scales without the 16 minutes. */
export const BELKIN_SMALL_BENCH: RffBenchOptions = {
  n: 2000,
  nTest: 2000,
  features: logSpacedFeatures(200, 12000, 9, 2000),
  seed: 1,
  ddlabOnly: true,
  storage: 'stream',
};

/** BELKIN_SMALL_BENCH with every feature kept (the old path), for its peak memory. */
export const BELKIN_SMALL_KEEP_BENCH: RffBenchOptions = { ...BELKIN_SMALL_BENCH, storage: 'keep' };

export async function benchRff(options: RffBenchOptions): Promise<void> {
  const { n, nTest, features, seed } = options;
  const nMax = features[features.length - 1];
  const storage = options.storage ?? defaultStorage(n, nTest, nMax);
  const data = loadMnist();
  // The feature rows on one thread per core, as `ddlab run rff` runs them, timed.
  const pool = featureLanesOnThreads(availableParallelism());
  const lanesTime = { seconds: 0, active: 0, since: 0 };
  // Wall time while at least one block or chunk runs on the lanes (blocks asked ahead overlap).
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    if (lanesTime.active++ === 0) lanesTime.since = performance.now();
    try {
      return await work();
    } finally {
      if (--lanesTime.active === 0) lanesTime.seconds += (performance.now() - lanesTime.since) / 1000;
    }
  };
  const lanes: FeatureLanes = {
    lanes: pool.lanes,
    run: (task) => timed(() => pool.run(task)),
    block: (task, cuts) => timed(() => pool.block(task, cuts)),
  };
  // The GEMM bound's rate is measured before and after the run: this VM's speed drifts.
  const rateBefore = options.ddlabOnly ? await gemmRate() : 0;
  const stolen0 = stolenSeconds();
  const rssBefore = process.memoryUsage().rss / 1024 ** 3;
  resetEngineStats();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const loop0 = performance.eventLoopUtilization();
  const ours = await runRff({ ...RFF_DEFAULTS, n, nTest, features, seed }, data, { lanes, storage }).finally(
    () => pool.close(),
  );
  const ddlabSeconds = (performance.now() - t0) / 1000;
  const stolen = stolenSeconds() - stolen0;
  // This thread's idle time: it waits only for the lanes (ORT and TypeScript keep it busy).
  const waited = performance.eventLoopUtilization(loop0).idle / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakGiB = process.resourceUsage().maxRSS / 1024 / 1024;
  console.log(
    `RFF sweep on MNIST: n=${n}, n-test=${nTest}, ${features.length} sizes N from ${features[0]} to ${nMax}, features ${storage === 'keep' ? 'kept' : 'streamed'}`,
  );
  table(ours.points);
  console.log(
    `  ddlab                ${ddlabSeconds.toFixed(2)} s   (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; peak RSS ${peakGiB.toFixed(2)} GiB, ${rssBefore.toFixed(2)} GiB before the run with MNIST loaded)`,
  );
  const stats = [...engineStats()].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, 6);
  console.log('  where ddlab spends it (ONNX Runtime graphs of the main thread, the lanes, the rest):');
  for (const [graph, { calls, seconds }] of stats)
    console.log(`    ${seconds.toFixed(2).padStart(6)} s  ${String(calls).padStart(4)} calls  ${graph}`);
  const ort = [...engineStats().values()].reduce((t, s) => t + s.seconds, 0);
  console.log(
    `    ${waited.toFixed(2).padStart(6)} s  waiting for the feature map on ${pool.lanes} lanes (cos(X·Vᵀ + b), rows split; they ran ${lanesTime.seconds.toFixed(2)} s, the next block while this thread works on the current one)`,
  );
  console.log(`    ${(ddlabSeconds - ort - waited).toFixed(2).padStart(6)} s  the rest (TypeScript)`);
  if (!Number.isNaN(stolen))
    console.log(
      `  CPU time the hypervisor took from this VM during the run (steal, all cores): ${stolen.toFixed(1)} s`,
    );
  if (options.ddlabOnly) {
    await gemmBound(options, storage, ddlabSeconds, rateBefore);
    return;
  }
  const numpy = runPython<{ points: CurvePoint[]; totalSeconds: number }>(
    'rff_numpy.py',
    ['--json', `--n=${n}`, `--n-test=${nTest}`, `--features=${features.join(',')}`, `--seed=${seed}`],
    { benchmark: true },
  );
  console.log(`  numpy/scipy          ${numpy.totalSeconds.toFixed(2)} s`);
  console.log(
    `  ratio ddlab/numpy    ${(ddlabSeconds / numpy.totalSeconds).toFixed(2)}  (in-process, data loading excluded)`,
  );
  // The goal is about what a user types: both whole commands, start-up and data loading included
  // (ddlab also writes its store and figure), run back to back.
  const args = [`--n=${n}`, `--n-test=${nTest}`, `--features=${features.join(',')}`, `--seed=${seed}`];
  const command = ddlabCommandSeconds(
    ['run', 'rff', '--n', String(n), '--n-test', String(nTest)].concat([
      '--features',
      features.join(','),
      '--seed',
      String(seed),
    ]),
  );
  const t = performance.now();
  runPython('rff_numpy.py', ['--json', ...args], { benchmark: true });
  const script = (performance.now() - t) / 1000;
  console.log(
    `  whole commands: ddlab run rff ${command.toFixed(2)} s, python3 bench/rff_numpy.py ${script.toFixed(2)} s`,
  );
  console.log(`  ratio, whole commands ${(command / script).toFixed(2)}  (target ≤ 0.50)`);
  const err = (ps: CurvePoint[], f: number) => ps.find((p) => p.features === f)?.testError ?? NaN;
  console.log('  test error (ddlab seed vs numpy seed; different random draws, same setup):');
  for (const f of features)
    console.log(
      `    N=${String(f).padStart(6)}  ${err(ours.points, f).toFixed(4)}  ${err(numpy.points, f).toFixed(4)}`,
    );
}

/**
 * Floating-point operations of the whole-curve solver, by part: what the run must do at least. GEMMs
 * count 2·m·n·k; the kernel's panels (GramAccumulator) compute (p+1)/(2p) of a full A·Aᵀ; Cholesky
 * n³/3. Feature maps count their GEMM (cosines are counted apart).
 */
export function curveFlops(
  options: RffBenchOptions,
  storage: 'keep' | 'stream',
  dim = 784,
  outputs = 10,
): Record<string, number> {
  const { n, nTest, features } = options;
  const nMax = features[features.length - 1];
  const under = features.filter((f) => f < n);
  const over = features.filter((f) => f >= n);
  const nStar = under.at(-1) ?? 0;
  const lastOver = over.at(-1) ?? 0;
  const p = gramPanels(n);
  const panels = ((p + 1) / (2 * p)) * 2 * n * n;
  const passes = storage === 'keep' ? { train: nMax, test: nMax } : { train: nMax + lastOver, test: nMax };
  const flops: Record<string, number> = {
    'feature maps (GEMM part)': 2 * dim * (n * passes.train + nTest * passes.test),
    'kernel F·Fᵀ': panels * lastOver,
    'Gram FᵀF below n, its Cholesky': lowerGramFlops(n, nStar) + nStar ** 3 / 3,
    'Cholesky n³/3 per size ≥ n': (over.length * n ** 3) / 3,
    'solves, coefficients, predictions':
      under.reduce((t, f) => t + 2 * outputs * (2 * f * f + (n + nTest) * f), 0) +
      over.reduce((t, f) => t + 2 * outputs * (4 * n * n + (n + nTest) * f), 0),
  };
  return flops;
}

/**
 * FᵀF's lower block triangle (ColumnBlocks.lowerGram): one product per pair of the feature blocks
 * (2048 columns, the solver's default) at or below the diagonal, Σ_{I≥J} 2·n·w_I·w_J.
 */
function lowerGramFlops(n: number, columns: number, blockSize = 2048): number {
  const widths: number[] = [];
  for (let c = 0; c < columns; c += blockSize) widths.push(Math.min(blockSize, columns - c));
  const sumSquares = widths.reduce((t, w) => t + w * w, 0);
  return n * (columns * columns + sumSquares);
}

/** Seconds of CPU time stolen by the hypervisor so far, over all cores (Linux /proc/stat); NaN elsewhere. */
function stolenSeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    return Number(cpu[8]) / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}

/** The flop count, this process's f64 GEMM rate and their quotient, next to the measured time. */
async function gemmBound(
  options: RffBenchOptions,
  storage: 'keep' | 'stream',
  seconds: number,
  rateBefore: number,
): Promise<void> {
  const flops = curveFlops(options, storage);
  const total = Object.values(flops).reduce((a, b) => a + b, 0);
  const rateAfter = await gemmRate();
  // The faster of the two: the stricter bound.
  const rate = Math.max(rateBefore, rateAfter);
  const { n, nTest, features } = options;
  const nMax = features[features.length - 1];
  const cosines = storage === 'keep' ? (n + nTest) * nMax : (2 * n + nTest) * nMax;
  console.log('  flops of the solver (the GEMM-bound part):');
  for (const [part, f] of Object.entries(flops))
    console.log(`    ${f.toExponential(3).padStart(10)}  ${part}`);
  console.log(`    ${total.toExponential(3).padStart(10)}  total (and ${cosines.toExponential(2)} cosines)`);
  console.log(
    `  f64 GEMM rate, n = 2048: ${(rateBefore / 1e9).toFixed(1)} GFLOP/s before the run, ${(rateAfter / 1e9).toFixed(1)} after; the bound takes the faster`,
  );
  const bound = total / rate;
  console.log(
    `  GEMM lower bound     ${bound.toFixed(1)} s;  measured/bound ${(seconds / bound).toFixed(2)}  (target ≤ 1.25)`,
  );
}

/** The median f64 GEMM rate (flop/s) of ORT at n = 2048 in this process. */
export async function gemmRate(n = 2048, reps = 5): Promise<number> {
  const rng = new Rng(0);
  const a = { rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) };
  const b = { rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) };
  await gemm(a, b);
  const seconds: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await gemm(a, b);
    seconds.push((performance.now() - t) / 1000);
  }
  return (2 * n ** 3) / seconds.sort((x, y) => x - y)[reps >> 1];
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
