// Distributed sweeps against a real redis-server (Debian's package; .ci/run installs it): two
// `ddlab worker` processes, one killed mid-trial; every trial must end in the store exactly once.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { validateSpec } from '../src/sweep/spec.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { start, tempDir, waitFor, writeSpec, type Running } from './sweep-cli-helpers.js';

const SPEC = { preset: 'rff', config: { n: 200, nTest: 500, features: [20, 100, 200, 400, 1500] }, seeds: 6 };
const children: Running['child'][] = [];
let redis: RedisServer | undefined;

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
});

describe('distributed sweeps on Redis', () => {
  it('runs a sweep on two workers, one killed mid-trial, with every trial stored exactly once', async () => {
    redis = await startRedis();
    const url = redis.url();
    const dir = tempDir();
    const spec = writeSpec(dir, SPEC);
    const db = join(dir, 'db');
    const workerArgs = ['worker', '--redis', url, '--lock-ms', '2000'];
    const a = start(workerArgs);
    const b = start(workerArgs);
    children.push(a.child, b.child);
    await waitFor(
      () => /waiting for trials/.test(a.output().stderr) && /waiting for trials/.test(b.output().stderr),
      30_000,
      'workers',
    );

    const run = start(['run', spec, '--redis', url, '--db', db, '--no-progress', '--out', join(dir, 'out')]);
    children.push(run.child);
    // Kill worker A in the middle of its first trial.
    await waitFor(
      () => /trial (\S+) \(rff\) started/.test(a.output().stderr),
      60_000,
      'worker A to start a trial',
    );
    const killedTrial = /trial (\S+) \(rff\) started/.exec(a.output().stderr)![1];
    a.child.kill('SIGKILL');

    const { code } = await run.exited;
    expect(run.output().stderr).toBe('');
    expect(code).toBe(0);
    expect(run.output().stdout).toMatch(/6 trial\(s\), 6 run now, 0 failed/);
    // The killed worker's trial was taken up by the other one.
    expect(b.output().stderr).toContain(`trial ${killedTrial} done`);

    const sweepId = expandSpec(validateSpec(SPEC, 'spec')).id;
    const store = new Store(db);
    const trials = store.trials(sweepId);
    const counts = store.pointCounts(sweepId);
    store.close();
    expect(trials).toHaveLength(6);
    expect(trials.every((t) => t.status === 'done')).toBe(true);
    for (const t of trials) expect(counts.get(t.id)).toBe(SPEC.config.features.length);

    // Running the same sweep again finds everything done: nothing is enqueued or counted twice.
    const again = start([
      'run',
      spec,
      '--redis',
      url,
      '--db',
      db,
      '--no-progress',
      '--out',
      join(dir, 'out'),
    ]);
    expect((await again.exited).code).toBe(0);
    expect(again.output().stdout).toMatch(/6 trial\(s\), 0 run now, 0 failed/);
    b.child.kill('SIGTERM');
    await b.exited;
  });
});
