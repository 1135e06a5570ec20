// One owner per trial, against real processes on one store: two `ddlab run`s of one spec share the
// trials and run each exactly once; a second run that finds every trial taken says who runs them and
// waits; the trials of an owner that is killed are taken over.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSpec } from '../src/sweep/expand.js';
import { validateSpec } from '../src/sweep/spec.js';
import { readStore, start, tempDir, waitFor, writeSpec } from './sweep-cli-helpers.js';

// About 3 s a trial on one worker here: long enough for a second process to join in.
const SPEC = {
  preset: 'rff',
  config: { n: 500, nTest: 1000, features: [50, 250, 500, 1000, 5000] },
  seeds: 10,
};

function runSpec(spec: string, db: string, workers: number, out: string) {
  return start(['run', spec, '--db', db, '--workers', String(workers), '--no-progress', '--out', out]);
}

const trialsOf = (db: string, sweepId: string) => readStore(db, (s) => s.trials(sweepId)) ?? [];
const pidOf = (owner: string | null) => Number(owner?.split(':').at(-2));

describe('one owner per trial', () => {
  it('two processes on one store run every trial exactly once', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const sweepId = expandSpec(validateSpec(SPEC, 'spec')).id;
    const db = join(dir, 'db');
    const a = runSpec(spec, db, 1, join(dir, 'a'));
    await waitFor(() => trialsOf(db, sweepId).some((t) => t.status === 'done'), 60_000, 'a first trial');
    const b = runSpec(spec, db, 1, join(dir, 'b'));
    expect((await a.exited).code).toBe(0);
    expect((await b.exited).code).toBe(0);

    const trials = trialsOf(db, sweepId);
    const points = readStore(db, (s) => s.pointCounts(sweepId))!;
    expect(trials.every((t) => t.status === 'done')).toBe(true);
    // attempts counts the runs a trial was given: one each, whoever ran it.
    expect(trials.map((t) => t.attempts)).toEqual(trials.map(() => 1));
    for (const t of trials) expect(points.get(t.id)).toBe(SPEC.config.features.length);
    const byOwner = new Set(trials.map((t) => pidOf(t.owner)));
    expect(byOwner).toEqual(new Set([a.child.pid, b.child.pid]));
    const ranNow = (out: string) => Number(/(\d+) run now/.exec(out)![1]);
    expect(ranNow(a.output().stdout) + ranNow(b.output().stdout)).toBe(10);
  });

  it('a second process that finds every trial taken says which process runs them, waits, and writes the results', async () => {
    const dir = tempDir();
    const two = { ...SPEC, config: { ...SPEC.config, n: 1000, features: [2000, 8000] }, seeds: 2 };
    const spec = writeSpec(dir, two);
    const sweepId = expandSpec(validateSpec(two, 'spec')).id;
    const db = join(dir, 'db');
    const a = runSpec(spec, db, 2, join(dir, 'a'));
    await waitFor(
      () => trialsOf(db, sweepId).filter((t) => t.status === 'running').length === 2,
      60_000,
      'both trials running',
    );
    const b = runSpec(spec, db, 2, join(dir, 'b'));
    expect((await b.exited).code).toBe(0);
    expect((await a.exited).code).toBe(0);
    expect(b.output().stderr).toContain(
      `2 trial(s) are being run by process ${a.child.pid} on host ${hostname()}`,
    );
    expect(b.output().stdout).toMatch(/2 trial\(s\), 0 run now, 0 failed/);
    expect(b.output().stdout).toContain(join(dir, 'b', 'results.json'));
    expect(trialsOf(db, sweepId).map((t) => [t.status, t.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
    ]);
  });

  it("takes over a killed owner's trials and finishes the sweep", async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const sweepId = expandSpec(validateSpec(SPEC, 'spec')).id;
    const db = join(dir, 'db');
    const a = runSpec(spec, db, 2, join(dir, 'a'));
    await waitFor(() => trialsOf(db, sweepId).some((t) => t.status === 'done'), 60_000, 'a first trial');
    const b = runSpec(spec, db, 1, join(dir, 'b'));
    await waitFor(
      () => trialsOf(db, sweepId).some((t) => pidOf(t.owner) === b.child.pid),
      60_000,
      'the second process to take a trial',
    );
    await waitFor(
      () => trialsOf(db, sweepId).some((t) => t.status === 'running' && pidOf(t.owner) === a.child.pid),
      60_000,
      'a trial running in the first process',
    );
    a.child.kill('SIGKILL');
    await a.exited;
    expect((await b.exited).code).toBe(0);

    const trials = trialsOf(db, sweepId);
    const points = readStore(db, (s) => s.pointCounts(sweepId))!;
    expect(trials.every((t) => t.status === 'done')).toBe(true);
    for (const t of trials) expect(points.get(t.id)).toBe(SPEC.config.features.length);
    // The trials cut off by the kill (one per worker of a, at most) ran again in b; the others once.
    const twice = trials.filter((t) => t.attempts === 2);
    expect(twice.length).toBeGreaterThanOrEqual(1);
    expect(twice.length).toBeLessThanOrEqual(2);
    for (const t of twice) expect(pidOf(t.owner)).toBe(b.child.pid);
    expect(trials.every((t) => t.attempts <= 2)).toBe(true);
  });
});
