// Distributed execution: each unfinished trial becomes a BullMQ job (its id the trial id and the
// code version, so a trial is enqueued once however often the sweep is started), run by
// `ddlab worker` processes on any number of machines. This side only enqueues and collects: it
// polls the trials' jobs, checks each result (redis-result.ts) and hands the good ones to the
// orchestrator, which stores each exactly once. Jobs outlive this process, so a coordinator that
// stops and starts again collects what the workers finished meanwhile. When the run stops (Ctrl-C,
// or `ddlab cancel` from another shell) the sweep's waiting jobs leave the queue.
import { Job, Queue } from 'bullmq';
import { presetNamed } from '../experiments/presets.js';
import type { Executor } from './executor.js';
import type { Trial } from '../experiments/experiment.js';
import { jobMac, type TrialRequest } from './redis-auth.js';
import { cancelRequested, clearCancel, removeWaitingJobs } from './redis-cancel.js';
import { ensureReachable, redisConnection, within } from './redis-connection.js';
import { jobIdOf, trialQueueName, type TrialJob } from './redis-job.js';
import { reportOutages } from './redis-outage.js';
import { checkedResult } from './redis-result.js';
import { redactUrl } from './redis-url.js';

/** Failed attempts (a thrown error) before a trial is recorded as failed. */
export const TRIAL_ATTEMPTS = 3;
const WEEK_SECONDS = 7 * 24 * 3600;
/** How long cleanup may wait for Redis on the way out (it may be unreachable). */
const CLEANUP_MS = 3000;

export interface RedisExecutorOptions {
  url: string;
  /** codeVersion(): binds queue and job ids to this build. */
  version: string;
  /** Shared with the workers: jobs and results carry an HMAC, and results without one are rejected. */
  secret?: string;
  /** The sweep being run, for `ddlab cancel`. */
  sweepId: string;
  log: (line: string) => void;
  /** Called when `ddlab cancel` stops the sweep from elsewhere (the caller aborts the run). */
  onCancelled: () => void;
  pollMs?: number;
}

export function redisExecutor(options: RedisExecutorOptions): Executor {
  const { url, version, secret, sweepId, log } = options;
  const connection = redisConnection(url);
  const outage = reportOutages(connection, redactUrl(url), log);
  let queue: Queue | undefined; // created once Redis answers
  return {
    async run(preset, trials, events, signal) {
      await ensureReachable(connection, url, signal).catch((e: Error) => {
        if (!signal.aborted) throw e;
      });
      if (signal.aborted) return;
      const q = (queue = new Queue(trialQueueName(version), { connection }));
      q.on('error', outage.error);
      await clearCancel(connection, sweepId);
      const requestOf = (trial: Trial): TrialRequest => ({ trialId: trial.id, preset, config: trial.config });
      const enqueue = (trial: Trial) => {
        const request = requestOf(trial);
        const data: TrialJob = secret ? { ...request, mac: jobMac(secret, request) } : request;
        return q.add(preset, data, {
          jobId: jobIdOf(trial, version),
          attempts: TRIAL_ATTEMPTS,
          backoff: { type: 'fixed', delay: 500 },
          removeOnComplete: { age: WEEK_SECONDS },
          removeOnFail: { age: WEEK_SECONDS },
        });
      };

      const waiting = new Map<string, Trial>();
      const stopped = new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      const enqueueAll = async () => {
        for (const trial of trials) {
          if (signal.aborted) return;
          const id = jobIdOf(trial, version);
          const job = await Job.fromId(q, id);
          if (!job) await enqueue(trial);
          else if (await job.isFailed()) await job.retry('failed'); // a new run of the sweep retries its failed trials
          waiting.set(id, trial);
        }
      };

      const reportedStart = new Set<string>();
      /** One look at every job still out; events only while the run goes on. */
      const pollRound = async () => {
        if (await cancelRequested(connection, sweepId)) return cancelled();
        for (const [id, trial] of [...waiting]) {
          // State first, then the job: a job read before its state turned 'completed' would carry
          // no return value yet.
          const state = await q.getJobState(id);
          const job = state === 'unknown' ? undefined : await Job.fromId(q, id);
          if (signal.aborted) return;
          if (!job) {
            // Removed from Redis meanwhile (by hand, aged out, Redis restarted empty): run it again,
            // unless `ddlab cancel` removed it.
            if (await cancelRequested(connection, sweepId)) return cancelled();
            await enqueue(trial);
            continue;
          }
          const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
          const worker = printable((job as { processedBy?: string }).processedBy ?? 'redis', 100);
          const reportStart = () => {
            if (reportedStart.has(id)) return;
            reportedStart.add(id);
            events.started(trial, worker);
          };
          if (state === 'active') {
            reportStart();
          } else if (state === 'completed') {
            reportStart();
            waiting.delete(id);
            let result;
            try {
              result = checkedResult(presetNamed(preset), requestOf(trial), job.returnvalue, secret);
            } catch (e) {
              // Drop the job, or every later run would find the same bad result under this id.
              await job.remove().catch(() => {});
              if (signal.aborted) return;
              const why = printable((e as Error).message, 500);
              events.failed(
                trial,
                `rejected the result from worker ${worker}: ${why}; the job was removed, so the next run computes the trial again`,
                seconds,
                worker,
              );
              continue;
            }
            events.finished(trial, result, seconds, worker);
          } else if (state === 'failed') {
            reportStart();
            waiting.delete(id);
            events.failed(trial, printable(job.failedReason || 'failed', 500), seconds, worker);
          }
        }
      };
      const cancelled = () => {
        log(`sweep ${sweepId} was cancelled (ddlab cancel): stopping`);
        options.onCancelled();
      };

      // Each step races the abort signal: during an outage a Redis command waits until the server
      // is back, and an interrupt must not wait with it.
      await Promise.race([enqueueAll(), stopped]);
      while (waiting.size > 0 && !signal.aborted) {
        await Promise.race([pollRound(), stopped]);
        if (waiting.size > 0 && !signal.aborted) await Promise.race([sleep(options.pollMs ?? 300), stopped]);
      }
      if (signal.aborted) await removeWaiting(q, [...waiting.keys()]);
    },
    async close() {
      outage.stop();
      if (queue && connection.status === 'ready') {
        await within(CLEANUP_MS, queue.close());
        await within(CLEANUP_MS, connection.quit());
      }
      connection.disconnect(); // never connected, or Redis gone: nothing to flush
    },
  };

  async function removeWaiting(q: Queue, jobIds: string[]): Promise<void> {
    const removed = await within(CLEANUP_MS, removeWaitingJobs(q, jobIds));
    if (removed === undefined) {
      log(
        `Redis at ${redactUrl(url)} did not answer: the sweep's waiting jobs stay queued (ddlab cancel removes them)`,
      );
    } else if (removed.removed > 0) {
      const running = removed.running
        ? `; ${removed.running} running on workers, collected by the next run`
        : '';
      log(`removed ${removed.removed} waiting trial(s) from the queue${running}`);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Text from a worker (untrusted), as one line of at most `max` characters. */
function printable(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const line = String(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
