// `ddlab worker --redis URL`: takes trial jobs from the BullMQ queue and runs them. Trials run on
// worker threads so that this event loop stays free to renew the jobs' locks (ONNX Runtime blocks
// the thread it runs on). A worker that dies mid-trial stops renewing its lock; after lockDuration
// another worker's stalled-job check puts the job back in the queue and it runs elsewhere.
import { availableParallelism, hostname } from 'node:os';
import { Worker } from 'bullmq';
import { Piscina } from 'piscina';
import type { PresetResult } from '../experiments/preset.js';
import { ensureReachable, redisConnection, TRIAL_QUEUE } from './redis-connection.js';
import type { TrialTask } from './run-trial.js';

export interface WorkerOptions {
  concurrency: number;
  /** How long a job stays locked without renewal before it counts as stalled (ms). */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs (ms). */
  stalledIntervalMs: number;
  log: (line: string) => void;
}

export async function runRedisWorker(
  url: string,
  options: WorkerOptions,
  signal: AbortSignal,
): Promise<void> {
  const pool = new Piscina({
    filename: new URL('./trial-worker.js', import.meta.url).href,
    minThreads: options.concurrency,
    maxThreads: options.concurrency,
    workerData: {
      threads:
        options.concurrency > 1
          ? Math.max(1, Math.floor(availableParallelism() / options.concurrency))
          : undefined,
    },
  });
  const name = `${hostname()}:${process.pid}`;
  const connection = redisConnection(url);
  connection.on('error', () => {}); // reported once by ensureReachable, not as a stream of traces
  try {
    await ensureReachable(connection, url);
  } catch (e) {
    connection.disconnect();
    throw e;
  }
  const worker = new Worker<TrialTask, PresetResult>(
    TRIAL_QUEUE,
    async (job) => {
      options.log(`${name}: trial ${job.id} (${job.name}) started`);
      const result = (await pool.run(job.data)) as PresetResult;
      options.log(`${name}: trial ${job.id} done`);
      return result;
    },
    {
      connection,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: 2,
      name,
    },
  );
  worker.on('failed', (job, err) => options.log(`${name}: trial ${job?.id} failed: ${err.message}`));
  let lastError = '';
  worker.on('error', (err) => {
    if (err.message !== lastError) options.log(`${name}: ${err.message}`); // once per distinct error
    lastError = err.message;
  });
  await worker.waitUntilReady();
  options.log(`${name}: waiting for trials on ${url} (queue ${TRIAL_QUEUE})`);
  if (!signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  await worker.close();
  await connection.quit();
  await pool.destroy();
}
