// Distributed sweeps against a real redis-server (Debian's package; .ci/run installs it): two
// `ddlab worker` processes, one killed mid-trial; every trial must end in the store exactly once.
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { validateSpec } from '../src/sweep/spec.js';
import { start, tempDir, waitFor, writeSpec, type Running } from './sweep-cli-helpers.js';

const SPEC = { preset: 'rff', config: { n: 200, nTest: 500, features: [20, 100, 200, 400, 1500] }, seeds: 6 };
const port = 20000 + (process.pid % 10000);
const url = `redis://127.0.0.1:${port}`;
const children: Running['child'][] = [];

async function startRedis(): Promise<void> {
  // Loopback only, no persistence: a throwaway server for this test.
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  children.push(redis);
  await new Promise<void>((resolve, reject) => {
    redis.once('error', (e) =>
      reject(new Error(`cannot start redis-server (install Debian's redis-server): ${e.message}`)),
    );
    const t0 = Date.now();
    const attempt = () => {
      const socket = createConnection(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() - t0 > 10_000) reject(new Error('redis-server did not start'));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('distributed sweeps on Redis', () => {
  it('runs a sweep on two workers, one killed mid-trial, with every trial stored exactly once', async () => {
    await startRedis();
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
