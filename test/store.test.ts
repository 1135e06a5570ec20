import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../src/store/lease.js';
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
    const me = `${hostname()}:${process.pid}:me`;
    expect(store.claimTrial(sweep.id, a.id, me, 'w')).toBe(true);
    expect(store.completeTrial(sweep.id, a.id, result(0.4), 1.5, 'w')).toBe(true);
    // The same result delivered again (a retried job, say) is not counted twice.
    expect(store.completeTrial(sweep.id, a.id, result(0.9), 1.5, 'w2')).toBe(false);
    store.claimTrial(sweep.id, b.id, me, 'w');
    store.failTrial(sweep.id, b.id, 'boom', 0.1, 'w', me);
    store.claimTrial(sweep.id, c.id, me, 'w');
    store.releaseRunning(sweep.id, me);
    expect(store.unfinishedTrials(sweep.id).map((t) => t.id)).toEqual([b.id, c.id]);
    const trials = store.trials(sweep.id);
    expect(trials.map((t) => t.status)).toEqual(['done', 'failed', 'pending']);
    expect(trials[0]).toMatchObject({
      attempts: 1,
      seconds: 1.5,
      worker: 'w',
      owner: me,
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

  it('lets one owner at a time run a trial, and hands over the trials of an owner that stopped', () => {
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'ddlab-store-')), 'db.sqlite'));
    store.registerSweep(sweep, {});
    const [a, b, c] = sweep.trials;
    const here = (pid: number, token: string) => `${hostname()}:${pid}:${token}`;
    const me = here(process.pid, 'me');
    const other = here(process.pid, 'other'); // alive: this very process
    const t0 = 1_000_000;
    expect(store.claimTrial(sweep.id, a.id, me, 'w', t0)).toBe(true);
    expect(store.claimTrial(sweep.id, a.id, other, 'w', t0)).toBe(false);
    expect(store.claimableTrials(sweep.id, true, t0).map((t) => t.id)).toEqual([b.id, c.id]);
    expect(store.heldElsewhere(sweep.id, other, t0)).toEqual(new Map([[me, 1]]));
    expect(store.heldElsewhere(sweep.id, me, t0)).toEqual(new Map());

    // An owner on another host holds its trial while it renews its heartbeat, and loses it after.
    const far = 'elsewhere:4242:far';
    expect(store.claimTrial(sweep.id, b.id, far, 'w', t0)).toBe(true);
    store.renewLeases(far, t0 + LEASE_MS);
    store.renewLeases(me, t0 + 2 * LEASE_MS);
    expect(store.claimTrial(sweep.id, b.id, other, 'w', t0 + 2 * LEASE_MS)).toBe(false);
    expect(store.claimTrial(sweep.id, b.id, other, 'w', t0 + 2 * LEASE_MS + 1)).toBe(true);
    expect(store.claimTrial(sweep.id, a.id, other, 'w', t0 + 2 * LEASE_MS + 1)).toBe(false); // renewed

    // An owner on this host whose process has ended is taken over at once.
    const ended = spawnSync('true').pid!;
    expect(store.claimTrial(sweep.id, c.id, here(ended, 'gone'), 'w', t0)).toBe(true);
    expect(store.claimTrial(sweep.id, c.id, me, 'w', t0)).toBe(true);

    // Releasing (an interruption) hands back only the releasing owner's trials.
    store.releaseRunning(sweep.id, me);
    const trials = store.trials(sweep.id);
    expect(trials.map((t) => [t.status, t.attempts])).toEqual([
      ['pending', 1],
      ['running', 2],
      ['pending', 2],
    ]);
    expect(trials[1].owner).toBe(other);
    store.close();
  });
});
