// Clean interruption in --redis mode, against a real loopback redis-server: Ctrl-C and `ddlab cancel`
// take the sweep's waiting jobs off the queue, a Redis outage is two lines (not a stream of stack
// traces), and `ddlab worker` stops within seconds of SIGTERM whatever it is doing.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeVersion } from '../src/cli/provenance.js';
import { expandSpec } from '../src/sweep/expand.js';
import { jobIdOf, trialQueueName } from '../src/sweep/redis-job.js';
import { validateSpec } from '../src/sweep/spec.js';
import { freePort, startRedis, type RedisServer } from './redis-server.js';
import { sleep, start, tempDir, waitFor, writeSpec, type Running } from './sweep-cli-helpers.js';

const VERSION = codeVersion(join(import.meta.dirname, '..', 'dist', 'src'));
const QUEUE = trialQueueName(VERSION);
/** Small trials, each test its own (trials of equal configs are the same jobs). */
const small = (n: number) => ({ n, nTest: 50, features: [10, 20] });
/** One trial of about 10 s on these machines: long enough to interrupt in the middle. */
const LONG = { n: 3000, nTest: 500, features: [6000] };
/** The most a worker may take to exit after SIGTERM. */
const PROMPT_MS = 5000;

let redis: RedisServer;
let queue: Queue;
const children: Running[] = [];

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue(QUEUE, { connection: redis.client() });
  queue.on('error', () => {}); // the outages here are on purpose
});

// What a test started ends with it, passed or failed, so that no worker takes the next test's jobs.
afterEach(() => {
  for (const c of children.splice(0)) c.child.kill('SIGKILL');
});

afterAll(async () => {
  await queue?.close().catch(() => {});
  await redis?.stop();
});

function cli(args: string[]): Running {
  const r = start(args);
  children.push(r);
  return r;
}

function coordinator(name: string, config: object, seeds: number) {
  const dir = tempDir();
  const specObject = { preset: 'rff', config, seeds, name };
  const spec = writeSpec(dir, specObject);
  const db = join(dir, 'db');
  const args = ['run', spec, '--redis', redis.url(), '--db', db, '--no-progress', '--out', join(dir, 'out')];
  const jobIds = expandSpec(validateSpec(specObject, 'spec')).trials.map((t) => jobIdOf(t, VERSION));
  return { db, args, jobIds, run: cli(args) };
}

async function waitingJobs(jobIds: string[]): Promise<number> {
  const states = await Promise.all(jobIds.map((id) => queue.getJobState(id)));
  return states.filter((s) => s === 'waiting').length;
}

async function startWorker(url = redis.url()): Promise<Running> {
  const w = cli(['worker', '--redis', url]);
  await waitFor(() => /waiting for trials/.test(w.output().stderr), 60_000, 'the worker');
  return w;
}

/** Milliseconds from SIGTERM to the worker's exit, and its exit code. */
async function terminate(w: Running): Promise<{ ms: number; code: number | null }> {
  const t0 = Date.now();
  w.child.kill('SIGTERM');
  const { code } = await w.exited;
  return { ms: Date.now() - t0, code };
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
      .toString()
      .split('\n')
      .filter((l) => l.trim())
      .map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim());

describe('interrupting distributed sweeps', () => {
  it('Ctrl-C removes the sweep’s waiting jobs from the queue; the next run enqueues them again', async () => {
    const { args, jobIds, run } = coordinator('ctrl-c', small(40), 4);
    await waitFor(async () => (await waitingJobs(jobIds)) === 4, 30_000, 'the jobs');
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(run.output().stderr).toMatch(/removed 4 waiting trial\(s\) from the queue/);
    for (const id of jobIds) expect(await queue.getJobState(id)).toBe('unknown');

    const worker = await startWorker();
    const again = cli(args);
    expect((await again.exited).code).toBe(0);
    expect(again.output().stdout).toMatch(/4 trial\(s\), 4 run now, 0 failed/);
    await terminate(worker);
  });

  it('`ddlab cancel SWEEP` removes the waiting jobs from another shell and stops the coordinator', async () => {
    const { db, jobIds, run } = coordinator('cancel-me', small(41), 3);
    await waitFor(async () => (await waitingJobs(jobIds)) === 3, 30_000, 'the jobs');
    const cancel = cli(['cancel', 'cancel-me', '--redis', redis.url(), '--db', db]);
    expect((await cancel.exited).code).toBe(0);
    expect(cancel.output().stdout).toMatch(/cancelled sweep \S+ \(cancel-me\): removed 3 waiting trial\(s\)/);
    const t0 = Date.now();
    expect((await run.exited).code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(PROMPT_MS);
    expect(run.output().stderr).toMatch(/cancelled/);
    for (const id of jobIds) expect(await queue.getJobState(id)).toBe('unknown');
  });

  it('a Redis outage prints one line when it starts and one when it ends, in the coordinator and the worker, and the sweep completes', async () => {
    const worker = await startWorker();
    const workerLinesBefore = lines(worker.output().stderr).length;
    // Paused, so that no trial finishes before the outage; Redis comes back empty, unpaused.
    await queue.pause();
    const { run, jobIds } = coordinator('outage', small(42), 2);
    await waitFor(async () => (await queue.getJob(jobIds[1])) !== undefined, 30_000, 'the jobs');
    await redis.stop();
    await sleep(4000);
    await redis.restart();
    expect((await run.exited).code).toBe(0);
    expect(run.output().stdout).toMatch(/2 trial\(s\), 2 run now, 0 failed/);

    const runLines = lines(run.output().stderr);
    expect(runLines).toHaveLength(2);
    expect(runLines[0]).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\); retrying…$/);
    expect(runLines[1]).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is reachable again after \d+ s$/);
    const workerLines = lines(worker.output().stderr).slice(workerLinesBefore);
    expect(workerLines.filter((l) => /unreachable/.test(l))).toHaveLength(1);
    expect(workerLines.filter((l) => /reachable again/.test(l))).toHaveLength(1);
    expect(worker.output().stderr).not.toMatch(/\n\s+at /);
    await terminate(worker);
  });

  it('`ddlab worker` exits within seconds of SIGTERM when idle', async () => {
    const worker = await startWorker();
    const { ms, code } = await terminate(worker);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it('`ddlab worker` exits within seconds of SIGTERM mid-trial and hands the trial back to the queue', async () => {
    const worker = await startWorker();
    const { jobIds, run } = coordinator('mid-trial', LONG, 1);
    await waitFor(() => / started/.test(worker.output().stderr), 30_000, 'the trial');
    await sleep(1000);
    const trialProcesses = childPids(worker.child.pid!);
    expect(trialProcesses.length).toBeGreaterThan(0);
    const { ms, code } = await terminate(worker);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(worker.output().stderr).toMatch(/handed back/);
    // Killed (SIGKILL takes a moment to tear a large process down).
    await waitFor(() => !trialProcesses.some(alive), 3000, 'the trial process to end');
    const job = await queue.getJob(jobIds[0]);
    expect(await job!.getState()).toBe('waiting');
    expect(job!.attemptsMade).toBe(0);
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
  });

  it('`ddlab worker` exits within seconds of SIGTERM while Redis is unreachable', async () => {
    const worker = await startWorker();
    await redis.stop();
    await waitFor(() => /unreachable/.test(worker.output().stderr), 10_000, 'the outage');
    const { ms, code } = await terminate(worker);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(PROMPT_MS);
    await redis.restart();
  });

  it('`ddlab worker` exits within seconds of SIGTERM while it waits for a Redis that never answered', async () => {
    const worker = cli(['worker', '--redis', `redis://127.0.0.1:${await freePort()}`]);
    await sleep(2000);
    const { ms } = await terminate(worker);
    expect(ms).toBeLessThan(PROMPT_MS);
  });
});
