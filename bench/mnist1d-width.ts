// `npm run bench -- mnist1d-width`: udlbook's MNIST-1D double-descent figure as a user makes it,
// `ddlab run mnist1d-width` at its defaults (28 widths × 3 seeds, 1000 epochs: ~45 TFLOP), timed
// end to end with its peak memory, after a profile of where the time goes: each width's stacked
// 3-seed ensemble for a few epochs under the preset's thread policy, projected to 1000 epochs.
// Target: the whole figure in ≤ 15 minutes on a 2-core machine.
//
// Environment: DDLAB_BENCH_EPOCHS=k runs the command with k epochs instead of 1000 (a quick check);
// DDLAB_BENCH_PROFILE_ONLY=1 skips the command.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnist1d } from '../src/data/mnist1d.js';
import { engineStats, resetEngineStats } from '../src/engine/session-cache.js';
import { trainSettings } from '../src/experiments/common/training-config.js';
import { ENGINE, mnist1dWidthPreset } from '../src/experiments/networks/mnist1d-width.js';
import { EnsembleTrainer, type TrainingData } from '../src/fit/train/trainer.js';

const PROFILE_EPOCHS = 3;

/** Forward + backward flops of one 40-h-h-10 network over one epoch of n samples (6 per weight). */
const epochFlops = (h: number, n: number) => 6 * (40 * h + h * h + 10 * h) * n;

/** Seconds per epoch of each width's 3-seed ensemble, as the preset trains it. */
async function profile(): Promise<void> {
  const config = mnist1dWidthPreset.resolve({});
  const ds = mnist1d({ samples: 8000, split: 0.5 });
  const data: TrainingData = {
    xTrain: Float32Array.from(ds.train.x),
    labelsTrain: ds.train.labels,
    xTest: Float32Array.from(ds.test.x),
    labelsTest: ds.test.labels,
    input: { dim: ds.dim, classes: ds.classes },
  };
  const n = data.labelsTrain.length;
  console.log(
    `profile: each width's ${config.seeds} seeds as one stacked ensemble, ${PROFILE_EPOCHS} epochs after a warm-up epoch`,
  );
  console.log('  width  s/epoch  GFLOP/s  eval s  projected s (1000 epochs + evaluations), one ORT thread');
  let total = 0;
  for (const width of config.widths) {
    const engine = ENGINE;
    const members = Array.from({ length: config.seeds }, (_, s) => ({
      shape: { family: 'mlp' as const, widths: [width, width] },
      seed: s + 1,
      lr: config.lr,
    }));
    const trainer = await EnsembleTrainer.create(members, data, { ...trainSettings(config), engine });
    await trainer.runEpoch(0);
    await trainer.evaluate(1);
    resetEngineStats();
    const t0 = performance.now();
    for (let e = 1; e <= PROFILE_EPOCHS; e++) await trainer.runEpoch(e);
    const perEpoch = (performance.now() - t0) / 1000 / PROFILE_EPOCHS;
    const t1 = performance.now();
    await trainer.evaluate(2);
    const evalSeconds = (performance.now() - t1) / 1000;
    const evaluations = Math.ceil(config.epochs / config.evalEvery);
    const projected = perEpoch * config.epochs + evalSeconds * evaluations;
    total += projected;
    const gflops = (config.seeds * epochFlops(width, n)) / perEpoch / 1e9;
    const inOrt = [...engineStats().values()].reduce((a, s) => a + s.seconds, 0);
    console.log(
      `  ${String(width).padStart(5)}  ${perEpoch.toFixed(3).padStart(6)}  ${gflops.toFixed(1).padStart(7)}  ${evalSeconds.toFixed(3).padStart(6)}  ${projected.toFixed(0).padStart(6)}` +
        `   (${((100 * inOrt) / (perEpoch * PROFILE_EPOCHS + evalSeconds)).toFixed(0)}% in ORT runs)`,
    );
  }
  console.log(
    `  projected training time of the whole sweep: ${total.toFixed(0)} s (${(total / 60).toFixed(1)} min)`,
  );
}

/** The whole command, under /usr/bin/time -v when it exists (peak RSS). */
function command(): void {
  const dir = mkdtempSync(join(tmpdir(), 'ddlab-bench-'));
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ddlab.js');
  const epochs = process.env.DDLAB_BENCH_EPOCHS;
  const args = [
    'run',
    'mnist1d-width',
    '--db',
    join(dir, 'ddlab.db'),
    '--out',
    join(dir, 'run'),
    '--no-progress',
  ].concat(epochs ? ['--epochs', epochs] : []);
  const timeBin = '/usr/bin/time';
  const timed = existsSync(timeBin);
  const timeLog = join(dir, 'time.txt');
  console.log(
    `command: ddlab ${args
      .slice(0, 2)
      .concat(epochs ? ['--epochs', epochs] : [])
      .join(' ')}`,
  );
  const t = performance.now();
  const out = timed
    ? execFileSync(timeBin, ['-v', '-o', timeLog, 'node', bin, ...args], { encoding: 'utf8' })
    : execFileSync('node', [bin, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  const rss = timed
    ? /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeLog, 'utf8'))
    : null;
  console.log(`  wall time   ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min; target ≤ 15 min)`);
  if (rss) console.log(`  peak RSS    ${(Number(rss[1]) / 1024).toFixed(0)} MiB`);
  for (const line of out.split('\n').filter((l) => /^\s+(headline|network|median train)/.test(l)))
    console.log(`  ${line.trim()}`);
  rmSync(dir, { recursive: true, force: true });
}

export async function benchMnist1dWidth(): Promise<void> {
  console.log('mnist1d-width (the machine and its load are printed above)');
  await profile();
  if (process.env.DDLAB_BENCH_PROFILE_ONLY !== '1') command();
  console.log(
    `machine after: load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
