// `ddlab worker --redis URL`: takes trial jobs from the BullMQ queue of this code version and runs
// them in child processes (redis-trial-pool.ts), so that this event loop stays free to renew the
// jobs' locks. A worker that dies mid-trial stops renewing its lock; after lockDuration another
// worker's stalled-job check puts the job back in the queue and it runs elsewhere. A worker told to
// stop kills its trials and hands their jobs back at once, and never waits long for Redis.
import { availableParallelism, hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { jobMac, macMatches, resultMac } from './redis-auth.js';
import { ensureReachable, redisConnection, within } from './redis-connection.js';
import { DatasetRefused } from './redis-dataset-policy.js';
import { trialQueueName, type TrialJob, type TrialReply } from './redis-job.js';
import { reportOutages } from './redis-outage.js';
import { TrialAborted, TrialPool } from './redis-trial-pool.js';
import { redactUrl } from './redis-url.js';

export interface WorkerOptions {
  concurrency: number;
  /** How long a job stays locked without renewal before it counts as stalled (ms). */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs (ms). */
  stalledIntervalMs: number;
  /** With a secret, jobs without its MAC are refused and results carry one. */
  secret?: string;
  /** Folders whose data sets jobs may name, besides 'mnist' and 'fashion-mnist'. */
  allowedDatasets: string[];
  log: (line: string) => void;
}

/** How long stopping may wait for Redis (handing jobs back, closing) before giving up on it. */
const STOP_MS = 2000;

export async function runRedisWorker(
  url: string,
  version: string,
  options: WorkerOptions,
  signal: AbortSignal,
): Promise<void> {
  const { log, secret } = options;
  const where = redactUrl(url);
  const name = `${hostname()}:${process.pid}`;
  const connection = redisConnection(url);
  const outage = reportOutages(connection, where, log);
  try {
    await ensureReachable(connection, url, signal);
  } catch (e) {
    outage.stop();
    connection.disconnect();
    if (signal.aborted) return;
    throw e;
  }
  const pool = new TrialPool({
    threads:
      options.concurrency > 1
        ? Math.max(1, Math.floor(availableParallelism() / options.concurrency))
        : undefined,
    allowedDatasets: options.allowedDatasets,
  });
  const queueName = trialQueueName(version);
  const worker = new Worker<TrialJob, TrialReply>(
    queueName,
    async (job, token, jobSignal) => {
      const request = job.data;
      // Refusals are final: retrying cannot change them.
      if (secret !== undefined && !macMatches(jobMac(secret, request), request.mac))
        throw new UnrecoverableError(
          "the job has no valid MAC: it was queued without this worker's --secret / DDLAB_SECRET",
        );
      log(`${name}: trial ${job.id} (${job.name}) started`);
      let result;
      try {
        result = await pool.run({ preset: request.preset, config: request.config }, jobSignal!);
      } catch (e) {
        if (e instanceof DatasetRefused) throw new UnrecoverableError(e.message);
        if (!(e instanceof TrialAborted)) throw e;
        await job.moveToWait(token);
        log(`${name}: trial ${job.id} handed back to the queue`);
        throw new WaitingError(); // not a failure: the attempt does not count
      }
      log(`${name}: trial ${job.id} done`);
      // Signed as it travels: JSON, where the coordinator checks it.
      const wire = JSON.parse(JSON.stringify(result)) as TrialReply['result'];
      return { result: wire, ...(secret !== undefined ? { mac: resultMac(secret, request, wire) } : {}) };
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
  worker.on('failed', (job, err) => log(`${name}: trial ${job?.id} failed: ${err.message}`));
  worker.on('error', outage.error);
  const stopped = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await Promise.race([worker.waitUntilReady(), stopped]);
  if (!signal.aborted) {
    log(`${name}: waiting for trials on ${where} (queue ${queueName})`);
    await stopped;
  }
  // Stop: kill the running trials and hand their jobs back; with Redis gone, their locks expire
  // and the stalled-job check of another worker hands them back instead.
  outage.stop();
  worker.cancelAllJobs('the worker is stopping');
  pool.close();
  // (Redis unreachable: no command can get through, so do not wait for one.)
  await within(connection.status === 'ready' ? STOP_MS : 100, worker.close());
  connection.disconnect();
  log(`${name}: stopped`);
}
