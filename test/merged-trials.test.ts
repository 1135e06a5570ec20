// Merged trials (src/sweep/merge-trials.ts): sweep trials that share data, batch order and training
// procedure run as one ensemble and come back as separate trials. Each merged trial's rows equal
// its own run's; the store holds the trials under their usual ids; a resumed sweep runs only the
// missing trials of a group; trials that differ in their data never merge; --no-merge is the old path.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config, PresetResult } from '../src/experiments/preset.js';
import { presetNamed } from '../src/experiments/presets.js';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { groupsForWorkers, mergeGroups } from '../src/sweep/merge-trials.js';
import type { Trial } from '../src/experiments/experiment.js';
import { runMergedTrials, runTrial } from '../src/sweep/run-trial.js';
import { validateSpec } from '../src/sweep/spec.js';
import { readStore, runSpec, start, tempDir, waitFor, writeSpec } from './sweep-cli-helpers.js';

const TINY = { n: 200, nTest: 300, epochs: 4, evalEvery: 2, batchSize: 50, widths: [16] };

/**
 * Members of one ensemble train as they would alone up to f32 rounding: the only differences are
 * summation orders inside the GEMMs of a wider (or stacked) layer. The tolerance is the golden
 * record's for the f32 networks (1e-5 relative or 1e-6 absolute, test/preset-golden.test.ts), which
 * bounds a different machine's (or thread count's) rounding; error rates are counts over 200 or 300
 * points, so one flipped point (≥ 3.3e-3) fails it.
 */
function expectClose(actual: number, expected: number, what: string) {
  const diff = Math.abs(actual - expected);
  expect(diff <= 1e-6 || diff <= 1e-5 * Math.abs(expected), `${what}: ${actual} vs ${expected}`).toBe(true);
}

function expectSameResult(merged: PresetResult, alone: PresetResult, what: string) {
  expect(merged.points.length).toBe(alone.points.length);
  merged.points.forEach((row, i) => {
    expect(Object.keys(row)).toEqual(Object.keys(alone.points[i]));
    for (const [k, v] of Object.entries(row)) expectClose(v, alone.points[i][k], `${what} row ${i} ${k}`);
  });
  const series = merged.series ?? [];
  expect(series.map((s) => `${s.name}@${s.step}`)).toEqual(
    (alone.series ?? []).map((s) => `${s.name}@${s.step}`),
  );
  series.forEach((s, i) => expectClose(s.value, alone.series![i].value, `${what} ${s.name}@${s.step}`));
  expect(merged.summaryLines.length).toBe(alone.summaryLines.length);
}

/** The largest relative difference of the test losses of two results (to show trials differ). */
function testLossGap(a: PresetResult, b: PresetResult): number {
  return Math.max(
    ...a.points.map((r, i) => Math.abs(r.testLoss - b.points[i].testLoss) / Math.abs(b.points[i].testLoss)),
  );
}

async function mergedAndAlone(preset: string, configs: Config[]) {
  const merged = await runMergedTrials({ preset, configs });
  const alone = [];
  for (const config of configs) alone.push(await runTrial({ preset, config }));
  return { merged, alone };
}

describe('a merged run equals each trial run alone', () => {
  it('mlp-width, a learning-rate axis (one-hidden-layer MLPs of one width, stacked)', async () => {
    const configs = [0.001, 0.003, 0.01].map((lr) => ({ ...TINY, lr }));
    const { merged, alone } = await mergedAndAlone('mlp-width', configs);
    expect(merged).toHaveLength(3);
    merged.forEach((m, i) => expectSameResult(m, alone[i], `lr ${configs[i].lr}`));
    // The trials really differ, so a merge that handed one trial's rows to another would fail.
    expect(testLossGap(alone[0], alone[2])).toBeGreaterThan(1e-2);
  });

  it('mlp-width, seeds with a fixed dataSeed, depth 2 (stacked layout) and a widths axis', async () => {
    const configs = [
      { ...TINY, depth: 2, dataSeed: 7, seed: 1, widths: [4, 16] },
      { ...TINY, depth: 2, dataSeed: 7, seed: 2, widths: [4, 16] },
      { ...TINY, depth: 2, dataSeed: 7, seed: 3, widths: [16, 8] },
    ];
    const { merged, alone } = await mergedAndAlone('mlp-width', configs);
    merged.forEach((m, i) => expectSameResult(m, alone[i], `seed ${configs[i].seed}`));
    expect(testLossGap(alone[0], alone[1])).toBeGreaterThan(1e-3);
  });

  it('mlp-width, a widths axis of one width each (a block-diagonal ensemble of the three)', async () => {
    const configs = [[2], [16], [64]].map((widths) => ({ ...TINY, widths, lr: 0.003 }));
    const { merged, alone } = await mergedAndAlone('mlp-width', configs);
    merged.forEach((m, i) => expectSameResult(m, alone[i], `widths ${configs[i].widths}`));
  });

  it('epochwise (a row per width and evaluated epoch), depth 2, with the probes', async () => {
    const configs = [0.002, 0.02].map((lr) => ({ ...TINY, depth: 2, widths: [4, 16], lr, probes: ['rig'] }));
    const { merged, alone } = await mergedAndAlone('epochwise', configs);
    merged.forEach((m, i) => expectSameResult(m, alone[i], `lr ${configs[i].lr}`));
    expect(merged[0].points[0].rig).toBeGreaterThan(0);
  });

  it('dataSeed equal to seed gives exactly the numbers of a config without it (the default keeps the records)', async () => {
    const plain = await runTrial({ preset: 'mlp-width', config: { ...TINY, seed: 4 } });
    const pinned = await runTrial({ preset: 'mlp-width', config: { ...TINY, seed: 4, dataSeed: 4 } });
    expect(pinned.points).toEqual(plain.points);
    // A different dataSeed draws other data (and batch order): the numbers move.
    const other = await runTrial({ preset: 'mlp-width', config: { ...TINY, seed: 4, dataSeed: 5 } });
    expect(testLossGap(other, plain)).toBeGreaterThan(1e-3);
    expect(() => presetNamed('mlp-width').resolve({ dataSeed: 'abc' })).toThrow(
      /^dataSeed must be 'seed' or an integer, got 'abc'$/,
    );
  });

  it('refuses to run configurations that do not share their data as one', async () => {
    await expect(
      runMergedTrials({ preset: 'mlp-width', configs: [TINY, { ...TINY, labelNoise: 0.1 }] }),
    ).rejects.toThrow('differ in more than widths, seed and lr');
    await expect(runMergedTrials({ preset: 'rff', configs: [{}, {}] })).rejects.toThrow(
      'rff does not merge trials',
    );
  });
});

describe('which trials merge', () => {
  const groupsOf = (spec: object) => {
    const sweep = expandSpec(validateSpec(spec, 'spec'));
    return mergeGroups(sweep.preset, sweep.trials).map((g) => g.map((t) => t.index));
  };

  it('an lr or widths axis of one data set merges; seeds merge only with a fixed dataSeed', () => {
    expect(groupsOf({ preset: 'mlp-width', config: TINY, axes: { lr: [0.001, 0.01, 0.1] } })).toEqual([
      [0, 1, 2],
    ]);
    expect(groupsOf({ preset: 'mlp-width', config: TINY, axes: { widths: [[2], [8]] } })).toEqual([[0, 1]]);
    // The sweep seed draws the subset, the label noise and the batch order: no two seeds share data.
    expect(groupsOf({ preset: 'mlp-width', config: TINY, seeds: 3 })).toEqual([[0], [1], [2]]);
    expect(groupsOf({ preset: 'mlp-width', config: { ...TINY, dataSeed: 1 }, seeds: 3 })).toEqual([
      [0, 1, 2],
    ]);
    // Axes × seeds: each seed's lr values merge (expansion order: lr outer, seeds inner).
    expect(groupsOf({ preset: 'mlp-width', config: TINY, axes: { lr: [0.001, 0.01] }, seeds: 2 })).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // Deeper MLPs and the 1-D CNN train per width, the trials' networks stacked: any widths merge.
    for (const config of [
      { ...TINY, depth: 2, widths: [4, 16] },
      { ...TINY, family: 'cnn1d', dataset: 'mnist1d', widths: [4, 16] },
    ])
      expect(groupsOf({ preset: 'epochwise', config, axes: { lr: [0.001, 0.01] } })).toEqual([[0, 1]]);
  });

  it('trials that differ in data, batch order or procedure never merge, nor those that would not pay', () => {
    for (const axes of [
      { n: [100, 200] },
      { labelNoise: [0, 0.2] },
      { nTest: [100, 300] },
      { batchSize: [25, 50] },
      { epochs: [2, 4] },
      { optimizer: ['sgd', 'adam'] },
      { dataSeed: [1, 2] },
      { depth: [1, 2] },
    ])
      expect(groupsOf({ preset: 'mlp-width', config: TINY, axes })).toEqual([[0], [1]]);
    // Weight reuse grows networks one from another; the 2-D CNN trains every network alone; a
    // one-hidden-layer trial of several widths is a block-diagonal ensemble already.
    for (const config of [
      { ...TINY, widths: [1, 2, 16], reuse: true },
      { ...TINY, family: 'cnn' },
      { ...TINY, widths: [2, 16] },
    ])
      expect(groupsOf({ preset: 'mlp-width', config, axes: { lr: [0.01, 0.1] } })).toEqual([[0], [1]]);
    // Presets without a merge run every trial alone.
    expect(groupsOf({ preset: 'rff', config: { n: 50 }, axes: { labelNoise: [0, 0.1] } })).toEqual([
      [0],
      [1],
    ]);
  });

  it('a pool with idle workers gets the largest groups halved, deterministically', () => {
    const t = (index: number) => ({ index }) as Trial;
    const indices = (groups: Trial[][]) => groups.map((g) => g.map((x) => x.index));
    const groups = [[t(0), t(1), t(2)], [t(3)]];
    expect(indices(groupsForWorkers(groups, 1))).toEqual([[0, 1, 2], [3]]);
    expect(indices(groupsForWorkers(groups, 2))).toEqual([[0, 1, 2], [3]]);
    expect(indices(groupsForWorkers(groups, 3))).toEqual([[0, 1], [2], [3]]);
    expect(indices(groupsForWorkers(groups, 8))).toEqual([[0], [1], [2], [3]]);
    expect(indices(groupsForWorkers([[0, 1, 2, 3, 4, 5].map(t)], 2))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });
});

describe('merged trials through ddlab run', () => {
  const SPEC = { preset: 'mlp-width', config: TINY, axes: { lr: [0.001, 0.003, 0.01] } };
  const sweep = expandSpec(validateSpec(SPEC, 'spec'));

  const run = (dir: string, db: string, extra: string[] = [], workers = '0') =>
    runSpec(dir, SPEC, db, workers, extra);
  const stored = (db: string) => {
    const store = new Store(db, { readonly: true });
    const trials = store.trials(sweep.id).map((t) => ({ ...t, points: store.points(sweep.id, t.id) }));
    store.close();
    return trials;
  };
  const expectSamePoints = (a: ReturnType<typeof stored>, b: ReturnType<typeof stored>) => {
    for (const t of a) {
      const other = b.find((u) => u.id === t.id)!;
      t.points.forEach((row, i) => {
        for (const [k, v] of Object.entries(row)) expectClose(v, other.points[i][k], `${t.id} ${k}`);
      });
    }
  };

  it('stores each trial under its own id with its own rows; --no-merge runs them alone with the same numbers', async () => {
    const dir = tempDir();
    await run(dir, join(dir, 'merged.db'));
    await run(dir, join(dir, 'alone.db'), ['--no-merge']);
    const merged = stored(join(dir, 'merged.db'));
    const alone = stored(join(dir, 'alone.db'));
    expect(merged.map((t) => t.id)).toEqual(sweep.trials.map((t) => t.id));
    expect(merged.every((t) => t.status === 'done' && t.points.length === 1)).toBe(true);
    expect(merged.map((t) => t.worker)).toEqual(Array(3).fill('main (merged run of 3 trials)'));
    expect(alone.map((t) => t.worker)).toEqual(Array(3).fill('main'));
    expectSamePoints(merged, alone);
  });

  it('on a pool of 2 workers the group is halved so both work: a merged run of 2 beside a trial alone', async () => {
    const dir = tempDir();
    await run(dir, join(dir, 'pool.db'), [], '2');
    await run(dir, join(dir, 'alone.db'), ['--no-merge']);
    const pool = stored(join(dir, 'pool.db'));
    expect(pool.map((t) => t.id)).toEqual(sweep.trials.map((t) => t.id));
    expect(pool.map((t) => t.worker)).toEqual([
      'thread-0 (merged run of 2 trials)',
      'thread-0 (merged run of 2 trials)',
      'thread-1',
    ]);
    expectSamePoints(pool, stored(join(dir, 'alone.db')));
  });

  it('a merged run killed mid-run (SIGKILL) loses and repeats nothing: the next run takes the group over', async () => {
    const dir = tempDir();
    const db = join(dir, 'killed.db');
    const slow = { ...SPEC, config: { ...TINY, epochs: 60, evalEvery: 20 } };
    const slowSweep = expandSpec(validateSpec(slow, 'spec'));
    const args = ['run', writeSpec(dir, slow), '--db', db, '--out', join(dir, 'out'), '--no-progress'];
    const first = start([...args, '--workers', '0']);
    // Killed once all three trials are claimed (running), before any is stored.
    await waitFor(
      () =>
        readStore(db, (s) => s.trials(slowSweep.id).filter((t) => t.status === 'running').length === 3) ??
        false,
      60_000,
      'the merged trials to start',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readStore(db, (s) => s.statusCounts(slowSweep.id).done)).toBe(0);
    const second = start([...args, '--workers', '0']);
    expect((await second.exited).code, second.output().stderr).toBe(0);
    expect(second.output().stdout).toContain('3 trial(s), 3 run now, 0 failed');
    const after = readStore(db, (s) =>
      s.trials(slowSweep.id).map((t) => ({ ...t, points: s.points(slowSweep.id, t.id) })),
    )!;
    expect(after.map((t) => [t.status, t.worker, t.points.length])).toEqual(
      Array(3).fill(['done', 'main (merged run of 3 trials)', 1]),
    );
  });

  it('a merged run that diverges runs its trials again alone: only the diverging trial fails', async () => {
    const dir = tempDir();
    const db = join(dir, 'diverge.db');
    const diverging = { ...SPEC, config: { ...TINY, optimizer: 'sgd' }, axes: { lr: [0.001, 1e30] } };
    const child = start([
      'run',
      writeSpec(dir, diverging),
      '--db',
      db,
      '--out',
      join(dir, 'out'),
      '--no-progress',
      '--workers',
      '0',
    ]);
    expect((await child.exited).code).toBe(1);
    const id = expandSpec(validateSpec(diverging, 'spec')).id;
    const trials = readStore(db, (s) => s.trials(id))!;
    expect(trials.map((t) => [t.status, t.worker])).toEqual([
      ['done', 'main'],
      ['failed', 'main'],
    ]);
    expect(trials[1].error).toMatch(
      /^training diverged: the loss of the network of width 16 \(learning rate 1e\+30/,
    );
  });

  it('resumes a group whose trials are partly stored: runs and writes only the missing ones, as one', async () => {
    const dir = tempDir();
    const db = join(dir, 'resume.db');
    // A previous run finished the middle trial (alone) and was killed before the others.
    const store = new Store(db);
    store.registerSweep(sweep, {});
    const middle = sweep.trials[1];
    expect(store.claimTrial(sweep.id, middle.id, 'earlier:1:x', 'thread-1')).toBe(true);
    const result = await runTrial({ preset: 'mlp-width', config: middle.config });
    store.completeTrial(sweep.id, middle.id, result, 1.5, 'thread-1');
    store.close();

    const stdout = await run(dir, db);
    expect(stdout).toContain('3 trial(s), 2 run now, 0 failed');
    const after = stored(db);
    expect(after.map((t) => t.status)).toEqual(['done', 'done', 'done']);
    expect(after.map((t) => t.worker)).toEqual([
      'main (merged run of 2 trials)',
      'thread-1',
      'main (merged run of 2 trials)',
    ]);
    // The stored trial was left as it was: its seconds, and exactly its own rows (bit for bit).
    expect(after[1].seconds).toBe(1.5);
    expect(after[1].points).toEqual(result.points);
    // Every trial once, with the numbers of a straight unmerged run.
    await run(dir, join(dir, 'alone.db'), ['--no-merge']);
    expect(after.map((t) => t.points.length)).toEqual([1, 1, 1]);
    expectSamePoints(after, stored(join(dir, 'alone.db')));
  });
});
