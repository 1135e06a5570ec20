// `npm run bench -- merged-trials`: a width sweep whose three seeds share their data
// (`--set dataSeed=1`), as a user runs it, merged into one ensemble run (the default) and with
// `--no-merge` (each seed a trial of its own on the worker pool), whole commands timed back to back
// in alternation. Both do the same training; the rows agree to f32 rounding (test/merged-trials).
// The widths, data and procedure are those of `npm run bench -- width-sweep`.
//
// Environment: DDLAB_BENCH_EPOCHS=k trains k epochs instead of 20; DDLAB_BENCH_ROUNDS=r repeats the
// pair r times (default 2).
import { loadavg } from 'node:os';
import { ddlabCommandSeconds } from './cli-timing.js';
import { SWEEP_WIDTHS } from './train.js';

export function benchMergedTrials(): void {
  const epochs = Number(process.env.DDLAB_BENCH_EPOCHS ?? 20);
  const rounds = Number(process.env.DDLAB_BENCH_ROUNDS ?? 2);
  const args = ['run', 'mlp-width', '--n', '4000', '--n-test', '10000', '--epochs', String(epochs)].concat(
    ['--lr', '0.05', '--optimizer', 'sgd', '--widths', SWEEP_WIDTHS.join(','), '--seeds', '3'],
    ['--set', 'labelNoise=0', '--set', 'evalEvery=1', '--set', 'dataSeed=1'],
  );
  console.log(
    `Width sweep, 3 seeds sharing their data (dataSeed = 1): ${SWEEP_WIDTHS.length} widths 1…256, ${epochs} epochs, MNIST n = 4000, 10000 test points, SGD lr 0.05`,
  );
  console.log(`  ddlab ${args.join(' ')}`);
  const times: Record<string, number[]> = { merged: [], 'no-merge': [] };
  for (let r = 0; r < rounds; r++) {
    for (const [label, extra] of [
      ['merged', []],
      ['no-merge', ['--no-merge']],
    ] as const) {
      const load = loadavg()[0].toFixed(1);
      const s = ddlabCommandSeconds([...args, ...extra]);
      times[label].push(s);
      console.log(
        `  round ${r + 1}  ${label.padEnd(9)} ${s.toFixed(1).padStart(6)} s   (load average before: ${load})`,
      );
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  console.log(
    `  best of ${rounds}: merged ${best(times.merged).toFixed(1)} s, --no-merge ${best(times['no-merge']).toFixed(1)} s, ratio ${(best(times.merged) / best(times['no-merge'])).toFixed(2)}`,
  );
}
