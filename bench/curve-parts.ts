// The TypeScript-side parts of the whole-curve solver (src/fit/feature-curve.ts), each timed alone
// at the training-set sizes of the random-features presets: the condition estimate (one per curve
// point), the running kernel's update by one feature block and its product with a point's
// coefficients (one per point above the threshold: the training predictions). Single calls, median
// of a few, back to back in one process: on a shared machine the absolute times are inflated, the
// ratios between runs of this bench are what count.
// The single-threaded TypeScript parts also print their CPU time, which other processes on the
// machine inflate less than the wall time.
import { estimateCondition } from '../src/fit/condition.js';
import { GramAccumulator } from '../src/engine/gram-accumulator.js';
import { zeros, type Matrix } from '../src/engine/matrix.js';
import { Rng } from '../src/engine/random.js';
import { lowerView } from '../src/engine/triangular.js';

const SIZES = [2000, 5000, 10000];
/** The solver's default feature block width (CurveProblem.blockSize). */
const BLOCK = 2048;

export async function benchCurveParts(sizes = SIZES): Promise<void> {
  console.log('whole-curve solver parts, seconds per call (median; wall / CPU of this thread):');
  console.log('       n        condition  kernel.add(n×2048)  kernel.times(n×10)');
  for (const n of sizes) {
    const rng = new Rng(n);
    const factor = wellConditionedFactor(n, rng);
    const condition = timed(3, () => estimateCondition(lowerView(factor)));
    factor.data.fill(0); // let the n² doubles go before the kernel's
    const kernel = new GramAccumulator(n);
    const features: Matrix = { rows: n, cols: BLOCK, data: rng.fillNormal(new Float64Array(n * BLOCK)) };
    const add = await medianAsync(3, () => kernel.add(features));
    const alpha: Matrix = { rows: n, cols: 10, data: rng.fillNormal(new Float64Array(n * 10)) };
    const times = await medianAsync(3, () => kernel.times(alpha, 0.5));
    console.log(
      `${String(n).padStart(8)}  ${condition.padStart(15)}  ${add.toFixed(3).padStart(18)}  ${times.toFixed(3).padStart(18)}`,
    );
  }
}

/**
 * A lower-triangular factor whose solves neither overflow nor underflow (unit-order diagonal, small
 * off-diagonal entries): the estimate's cost does not depend on the values, only denormals or
 * infinities would distort it.
 */
function wellConditionedFactor(n: number, rng: Rng): Matrix {
  const l = zeros(n, n);
  const scale = 0.5 / Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    const row = l.data.subarray(i * n, i * n + i);
    rng.fillNormal(row, 0, scale);
    l.data[i * n + i] = 1 + rng.uniform();
  }
  return l;
}

/** "wall / cpu" seconds, the median of each over `reps` calls of a synchronous (one-thread) function. */
function timed(reps: number, f: () => unknown): string {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const used = process.cpuUsage();
    f();
    const { user, system } = process.cpuUsage(used);
    wall.push((performance.now() - start) / 1000);
    cpu.push((user + system) / 1e6);
  }
  const mid = (t: number[]) => t.sort((a, b) => a - b)[reps >> 1].toFixed(3);
  return `${mid(wall)} / ${mid(cpu)}`;
}

async function medianAsync(reps: number, f: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    await f();
    t.push((performance.now() - start) / 1000);
  }
  return t.sort((a, b) => a - b)[reps >> 1];
}
