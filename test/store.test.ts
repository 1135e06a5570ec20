import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { validateSpec } from '../src/sweep/spec.js';

const sweep = expandSpec(
  validateSpec({ preset: 'rff', config: { n: 50, nTest: 50, features: [5, 50] }, seeds: 3 }, 's'),
);
const result = (x: number) => ({
  points: [
    { features: 5, testError: x },
    { features: 50, testError: x / 2 },
  ],
  summary: { x },
  summaryLines: [`x=${x}`],
});

describe('the SQLite store', () => {
  it('registers a sweep once, and finished trials are not handed out again', () => {
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'ddlab-store-')), 'db.sqlite'));
    store.registerSweep(sweep, { test: true });
    store.registerSweep(sweep, { test: true }); // again: resuming
    expect(store.unfinishedTrials(sweep.id).map((t) => t.id)).toEqual(sweep.trials.map((t) => t.id));
    const [a, b, c] = sweep.trials;
    store.markRunning(sweep.id, a.id, 'w');
    expect(store.completeTrial(sweep.id, a.id, result(0.4), 1.5, 'w')).toBe(true);
    // The same result delivered again (a retried job, say) is not counted twice.
    expect(store.completeTrial(sweep.id, a.id, result(0.9), 1.5, 'w2')).toBe(false);
    store.markRunning(sweep.id, b.id, 'w');
    store.failTrial(sweep.id, b.id, 'boom', 0.1, 'w');
    store.markRunning(sweep.id, c.id, 'w');
    store.markPending(sweep.id, [c.id]);
    expect(store.unfinishedTrials(sweep.id).map((t) => t.id)).toEqual([b.id, c.id]);
    const trials = store.trials(sweep.id);
    expect(trials.map((t) => t.status)).toEqual(['done', 'failed', 'pending']);
    expect(trials[0]).toMatchObject({
      attempts: 1,
      seconds: 1.5,
      worker: 'w',
      summary: { summary: { x: 0.4 }, lines: ['x=0.4'] },
    });
    expect(trials[1].error).toBe('boom');
    expect(store.points(sweep.id, a.id)).toEqual(result(0.4).points);
    expect(store.pointCounts(sweep.id)).toEqual(new Map([[a.id, 2]]));
    expect(store.sweeps()[0].counts).toEqual({ pending: 1, running: 0, done: 1, failed: 1 });
    expect(store.findSweep(sweep.id.slice(0, 5)).id).toBe(sweep.id);
    expect(store.findSweep(sweep.name).id).toBe(sweep.id);
    expect(() => store.findSweep('zzz')).toThrow(/no sweep 'zzz'/);
    store.close();
  });
});
