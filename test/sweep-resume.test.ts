// Resumable sweeps, against real processes: SIGKILL at random moments loses and repeats nothing,
// Ctrl-C stops cleanly, and a failing trial does not stop the sweep.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { validateSpec } from '../src/sweep/spec.js';
import { readStore, sleep, start, tempDir, waitFor, writeSpec } from './sweep-cli-helpers.js';

const SPEC = {
  preset: 'rff',
  config: { n: 200, nTest: 500, features: [20, 100, 200, 400, 1500] },
  seeds: 10,
};

const SLOW_SPEC = {
  preset: 'rff',
  config: { n: 500, nTest: 1000, features: [50, 250, 500, 1000, 5000] },
  seeds: 10,
};

function runSpec(spec: string, db: string, workers: number, out: string) {
  return start(['run', spec, '--db', db, '--workers', String(workers), '--no-progress', '--out', out]);
}

function storedPoints(db: string, sweepId: string): Map<string, Record<string, number>[]> {
  const store = new Store(db);
  const out = new Map(store.trials(sweepId).map((t) => [t.id, store.points(sweepId, t.id)]));
  store.close();
  return out;
}

// Results must not depend on how the sweep was cut up. The only allowed difference is floating-point
// rounding; none is expected (same seeds, same code, same thread counts), so the bound is tight.
function expectSameNumbers(a: Record<string, number>[], b: Record<string, number>[]) {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      if (k === 'seconds') continue;
      expect(Math.abs(v - b[i][k]), k).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b[i][k])));
    }
  });
}

describe('resumable sweeps', () => {
  it('survives SIGKILL at random moments: every trial ends in the store exactly once, with the same numbers', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SLOW_SPEC);
    const sweepId = expandSpec(validateSpec(SLOW_SPEC, 'spec')).id;
    const reference = join(dir, 'reference.db');
    const straight = runSpec(spec, reference, 2, join(dir, 'ref'));
    expect((await straight.exited).code).toBe(0);

    const db = join(dir, 'killed.db');
    const doneCount = () => {
      try {
        const st = new Store(db);
        const n = st.trials(sweepId).filter((t) => t.status === 'done').length;
        st.close();
        return n;
      } catch {
        return 0; // not created yet
      }
    };
    // Kill each run soon after it has stored at least one more trial, at a pseudo-random moment
    // (0–400 ms later): mid-trial, mid-write or between trials.
    const extra = [0, 210, 90, 160, 30, 120, 60];
    let kills = 0;
    for (const wait of extra) {
      const before = doneCount();
      if (before === 10) break;
      const run = runSpec(spec, db, 2, join(dir, 'out'));
      let exited = false;
      void run.exited.then(() => (exited = true));
      await waitFor(() => exited || doneCount() > before, 60_000, 'progress');
      await new Promise((r) => setTimeout(r, wait));
      if (!exited) {
        run.child.kill('SIGKILL');
        kills++;
      }
      await run.exited;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    const last = runSpec(spec, db, 2, join(dir, 'out'));
    expect((await last.exited).code).toBe(0);
    const store = new Store(db);
    const trials = store.trials(sweepId);
    const counts = store.pointCounts(sweepId);
    store.close();
    expect(trials).toHaveLength(10);
    expect(trials.every((t) => t.status === 'done')).toBe(true);
    for (const t of trials) expect(counts.get(t.id)).toBe(SLOW_SPEC.config.features.length); // none lost, none twice
    const ref = storedPoints(reference, sweepId);
    for (const [id, points] of storedPoints(db, sweepId)) expectSameNumbers(points, ref.get(id)!);
  });

  it('stops cleanly on Ctrl-C and says how to resume; the next run finishes the rest', async () => {
    const dir = tempDir();
    // Many trials, so that the interrupt (sent once the first is stored) lands while the sweep runs.
    const many = { ...SLOW_SPEC, seeds: 40 };
    const spec = writeSpec(dir, many);
    const sweepId = expandSpec(validateSpec(many, 'spec')).id;
    const db = join(dir, 'db');
    const run = runSpec(spec, db, 1, join(dir, 'out'));
    // Interrupt once at least one trial is in the store.
    await waitFor(
      () => {
        try {
          const s = new Store(db);
          const done = s.trials(sweepId).some((t) => t.status === 'done');
          s.close();
          return done;
        } catch {
          return false;
        }
      },
      60_000,
      'a first finished trial',
    );
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.output().stderr).toMatch(
      /stopped after \d+ of 40 trials .*run the same command again to resume/,
    );
    const s = new Store(db);
    const statuses = s.trials(sweepId).map((t) => t.status);
    s.close();
    expect(statuses).not.toContain('running');
    expect(statuses.filter((x) => x === 'done').length).toBeLessThan(40);
    const again = runSpec(spec, db, 2, join(dir, 'out'));
    expect((await again.exited).code).toBe(0);
    expect(again.output().stdout).toMatch(/40 trial\(s\), \d+ run now, 0 failed/);
  });

  it('stops at once on a second Ctrl-C, by SIGINT (exit status 130 in a shell), never by an abort in ONNX Runtime', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, SLOW_SPEC);
    const sweepId = expandSpec(validateSpec(SLOW_SPEC, 'spec')).id;
    const db = join(dir, 'db');
    const statuses = () => readStore(db, (s) => s.trials(sweepId).map((t) => t.status)) ?? [];
    const run = runSpec(spec, db, 2, join(dir, 'out'));
    // Both worker threads inside a trial (seconds of ONNX Runtime each) when the interrupts come.
    await waitFor(() => statuses().filter((s) => s === 'running').length === 2, 60_000, 'two running trials');
    run.child.kill('SIGINT');
    await sleep(50);
    run.child.kill('SIGINT');
    const exit = await run.exited;
    const { stderr } = run.output();
    expect(stderr).not.toMatch(/terminate called|Napi::Error/);
    // Ended by the signal itself, as a program without a handler would be: a shell reports 128 + 2.
    expect(exit).toEqual({ code: null, signal: 'SIGINT' });
    expect(stderr).toContain(`stopped; run the same command again to resume sweep ${sweepId}`);
    expect(statuses()).not.toContain('running');
    const again = runSpec(spec, db, 2, join(dir, 'out'));
    expect((await again.exited).code).toBe(0);
    const counts = readStore(db, (s) => s.pointCounts(sweepId))!;
    expect([...counts.values()]).toEqual(Array(10).fill(SLOW_SPEC.config.features.length));
  });

  it('records a failing trial with its error and goes on with the others', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, { ...SPEC, axes: { n: [100, 70000] }, seeds: 2 });
    const db = join(dir, 'db');
    const run = runSpec(spec, db, 2, join(dir, 'out'));
    const { code } = await run.exited;
    expect(code).toBe(1);
    const { stdout } = run.output();
    expect(stdout).toMatch(/grid point 1 \(n=100\): 2 ok, 0 failed/);
    expect(stdout).toMatch(/grid point 2 \(n=70000\): 0 ok, 2 failed/);
    expect(stdout).toMatch(/failed trials:\n.*n = 70000 is larger than the 60000 training images/);
    const s = new Store(db);
    const trials = s.trials(
      expandSpec(validateSpec({ ...SPEC, axes: { n: [100, 70000] }, seeds: 2 }, 's')).id,
    );
    s.close();
    expect(trials.map((t) => t.status).sort()).toEqual(['done', 'done', 'failed', 'failed']);
    expect(trials.find((t) => t.status === 'failed')!.error).toMatch(/larger than the 60000/);
  });
});
