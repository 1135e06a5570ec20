// `npm run bench -- merged-trials`: sweeps whose three trials share their data (seeds with a fixed
// `dataSeed`), merged into one ensemble run (the default) against `--no-merge` (each trial alone on
// the worker pool). First the training layouts in this process on one ORT thread, best of 5 epochs
// back to back (the measurement behind which trials merge, README: Sweeps); then the whole commands
// a user types, timed back to back in alternation. Both sides do the same training; the rows agree
// to f32 rounding (test/merged-trials.test.ts).
//
// Environment: DDLAB_BENCH_ROUNDS=r repeats each pair of commands r times (default 2).
import { loadavg } from 'node:os';
import { setEngineThreads } from '../src/engine/session-cache.js';
import { networkShapeOf, trainingData, trainSettings } from '../src/experiments/common/training-config.js';
import { presetNamed } from '../src/experiments/presets.js';
import type { TrainingConfig } from '../src/experiments/common/training-config.js';
import { EnsembleTrainer, type Member } from '../src/fit/train/trainer.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { ddlabCommandSeconds } from './cli-timing.js';
import { SWEEP_WIDTHS } from './train.js';

const SEEDS = [1, 2, 3];
const LAYOUT_ROUNDS = 5;

interface Case {
  label: string;
  /** mlp-width fields, as --set values. */
  fields: Record<string, string>;
  /** Whether ddlab merges these trials (else the two commands are the same run: not timed). */
  merges: boolean;
}

const CASES: Case[] = [
  {
    label: 'one hidden layer, 16 widths 1…256 (trials not merged: several widths each)',
    fields: {
      n: '4000',
      nTest: '10000',
      widths: SWEEP_WIDTHS.join(','),
      epochs: '20',
      optimizer: 'sgd',
      lr: '0.05',
      labelNoise: '0',
    },
    merges: false,
  },
  {
    label: 'one hidden layer, width 64 (merged: stacked)',
    fields: {
      n: '4000',
      nTest: '10000',
      widths: '64',
      epochs: '20',
      optimizer: 'sgd',
      lr: '0.05',
      labelNoise: '0',
    },
    merges: true,
  },
  {
    label: 'MNIST-1D, two hidden layers, widths 8…128 (merged: stacked per width)',
    fields: {
      dataset: 'mnist1d:samples=8000,split=0.5',
      n: '4000',
      nTest: '4000',
      depth: '2',
      widths: '8,16,32,64,128',
      epochs: '50',
      batchSize: '100',
      optimizer: 'sgd',
      lr: '0.01',
      momentum: '0.9',
      labelNoise: '0.135',
      evalEvery: '10',
    },
    merges: true,
  },
];

/** Seconds of one epoch of each layout of the three seeds' networks, one ORT thread, best of 5. */
async function layouts(c: Case): Promise<void> {
  const preset = presetNamed('mlp-width');
  const raw = Object.fromEntries(
    Object.entries(c.fields).map(([k, v]) => [
      k,
      k === 'widths' ? v.split(',').map(Number) : /^[\d.]+$/.test(v) ? Number(v) : v,
    ]),
  );
  const config = preset.resolve({ ...raw, dataSeed: 1 }) as TrainingConfig;
  const data = trainingData(loadDatasetByName(config.dataset), config, config.n);
  const settings = { ...trainSettings(config), engine: { threads: 1 } };
  const m = (w: number, seed: number): Member => ({ shape: networkShapeOf(config, w), seed, lr: config.lr });
  const perTrial =
    config.depth === 1
      ? SEEDS.map((s) => config.widths.map((w) => m(w, s)))
      : SEEDS.flatMap((s) => config.widths.map((w) => [m(w, s)]));
  const candidates: Record<string, Member[][]> = {
    'each trial alone (as --no-merge)': perTrial,
    'merged, per width (seeds stacked)': config.widths.map((w) => SEEDS.map((s) => m(w, s))),
    ...(config.depth === 1 && config.widths.length > 1
      ? { 'merged, one block-diagonal ensemble': [config.widths.flatMap((w) => SEEDS.map((s) => m(w, s)))] }
      : {}),
  };
  // Every layout's trainers built and warmed up once; then rounds of one epoch each, in turn, so a
  // change in the machine's load hits all layouts alike; the best epoch of each counts.
  const built: [string, EnsembleTrainer[]][] = [];
  for (const [name, groups] of Object.entries(candidates)) {
    const trainers = [];
    for (const g of groups) {
      const t = await EnsembleTrainer.create(g, data, settings);
      await t.runEpoch(0); // warm-up: sessions built
      trainers.push(t);
    }
    built.push([name, trainers]);
  }
  const best: Record<string, number> = {};
  for (let round = 1; round <= LAYOUT_ROUNDS; round++) {
    for (const [name, trainers] of built) {
      const t0 = performance.now();
      for (const t of trainers) await t.runEpoch(round);
      best[name] = Math.min(best[name] ?? Infinity, (performance.now() - t0) / 1000);
    }
  }
  for (const [name, s] of Object.entries(best)) console.log(`    ${name.padEnd(38)} ${s.toFixed(3)} s/epoch`);
}

function commands(c: Case, rounds: number): void {
  const args = ['run', 'mlp-width', '--seeds', '3', '--set', 'dataSeed=1'].concat(
    Object.entries(c.fields).flatMap(([k, v]) => ['--set', k === 'widths' ? `widths=[${v}]` : `${k}=${v}`]),
  );
  console.log(`    ddlab ${args.join(' ')}`);
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
        `    round ${r + 1}  ${label.padEnd(9)} ${s.toFixed(1).padStart(6)} s   (load average before: ${load})`,
      );
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  console.log(
    `    best of ${rounds}: merged ${best(times.merged).toFixed(1)} s, --no-merge ${best(times['no-merge']).toFixed(1)} s, ratio ${(best(times.merged) / best(times['no-merge'])).toFixed(2)}`,
  );
}

export async function benchMergedTrials(): Promise<void> {
  const rounds = Number(process.env.DDLAB_BENCH_ROUNDS ?? 2);
  setEngineThreads(1);
  console.log('Merged trials: mlp-width, 3 seeds sharing their data (dataSeed = 1)');
  for (const c of CASES) {
    console.log(`  ${c.label}`);
    console.log('   in this process, one ORT thread, best of 5 epochs:');
    await layouts(c);
    if (!c.merges) continue;
    console.log('   whole commands (default pool: one worker per core), back to back:');
    commands(c, rounds);
  }
}
