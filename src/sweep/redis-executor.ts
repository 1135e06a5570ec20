// Distributed execution: each unfinished trial becomes a BullMQ job (job id = trial id, so a trial
// is enqueued once however often the sweep is started), run by `ddlab worker` processes on any
// number of machines. This side only enqueues and collects: it polls the trials' jobs and hands
// finished ones to the orchestrator, which stores each exactly once. Jobs outlive this process, so
// a coordinator that stops and starts again collects what the workers finished meanwhile.
import { Job, Queue } from 'bullmq';
import type { PresetResult } from '../experiments/preset.js';
import type { Executor } from './executor.js';
import type { Trial } from '../experiments/experiment.js';
import { ensureReachable, redisConnection, TRIAL_QUEUE } from './redis-connection.js';

/** Failed attempts (a thrown error) before a trial is recorded as failed. */
export const TRIAL_ATTEMPTS = 3;
const WEEK_SECONDS = 7 * 24 * 3600;

export function jobIdOf(trial: Trial): string {
  return `trial-${trial.id}`;
}

export function redisExecutor(url: string, pollMs = 300): Executor {
  const connection = redisConnection(url);
  let queue: Queue | undefined; // created once Redis answers
  return {
    async run(preset, trials, events, signal) {
      // Quiet Redis errors here: an unreachable server is reported once, below.
      connection.on('error', () => {});
      await ensureReachable(connection, url);
      const q = (queue = new Queue(TRIAL_QUEUE, { connection }));
      const enqueue = (trial: Trial) =>
        q.add(
          preset,
          { preset, config: trial.config },
          {
            jobId: jobIdOf(trial),
            attempts: TRIAL_ATTEMPTS,
            backoff: { type: 'fixed', delay: 500 },
            removeOnComplete: { age: WEEK_SECONDS },
            removeOnFail: { age: WEEK_SECONDS },
          },
        );
      const waiting = new Map<string, Trial>();
      for (const trial of trials) {
        if (signal.aborted) return;
        const id = jobIdOf(trial);
        const job = await Job.fromId(q, id);
        if (!job) await enqueue(trial);
        else if (await job.isFailed()) await job.retry('failed'); // a new run of the sweep retries its failed trials
        waiting.set(id, trial);
      }
      const reportedStart = new Set<string>();
      while (waiting.size > 0 && !signal.aborted) {
        for (const [id, trial] of [...waiting]) {
          // State first, then the job: a job read before its state turned 'completed' would carry
          // no return value yet.
          const state = await q.getJobState(id);
          const job = state === 'unknown' ? undefined : await Job.fromId(q, id);
          if (!job) {
            await enqueue(trial); // removed from Redis meanwhile (by hand, or aged out): run it again
            continue;
          }
          const seconds = job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
          const worker = (job as { processedBy?: string }).processedBy ?? 'redis';
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
            events.finished(trial, job.returnvalue as PresetResult, seconds, worker);
          } else if (state === 'failed') {
            reportStart();
            waiting.delete(id);
            events.failed(trial, job.failedReason || 'failed', seconds, worker);
          }
        }
        if (waiting.size > 0) await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async close() {
      if (queue && connection.status === 'ready') {
        await queue.close();
        await connection.quit();
      } else {
        connection.disconnect(); // never connected: nothing to flush
      }
    },
  };
}
