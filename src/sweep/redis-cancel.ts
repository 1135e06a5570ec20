// Cancelling a sweep on Redis: its waiting jobs leave the queue (running ones finish on their
// workers and are collected by the next run), and a marker tells a coordinator that still runs
// the sweep, in another shell or on another machine, to stop rather than enqueue them again.
// Used by Ctrl-C in `ddlab run --redis` and by `ddlab cancel`.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Waiting states: the job has not been taken by a worker yet. */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized', 'paused', 'waiting-children']);
const DAY_SECONDS = 24 * 3600;

const markerOf = (sweepId: string) => `ddlab:cancelled:${sweepId}`;

export interface Removed {
  removed: number;
  running: number;
}

/** Removes those of `jobIds` that no worker has taken yet; counts the ones running. */
export async function removeWaitingJobs(queue: Queue, jobIds: Iterable<string>): Promise<Removed> {
  const count: Removed = { removed: 0, running: 0 };
  for (const id of jobIds) {
    const state = await queue.getJobState(id);
    if (state === 'active') count.running++;
    else if (NOT_STARTED.has(state)) {
      if ((await queue.remove(id)) === 1) count.removed++;
      // remove() refuses a job that a worker took meanwhile (running, maybe done by now), or
      // one that another canceller removed first (gone).
      else if ((await queue.getJobState(id)) !== 'unknown') count.running++;
    }
  }
  return count;
}

/**
 * Cancels a sweep from any shell: marks it cancelled, then removes its waiting jobs. A coordinator
 * that runs the sweep sees the marker and removes the same jobs itself, maybe first; so a job
 * counts as removed when it was waiting before the marker and is gone after, whoever removed it.
 */
export async function cancelSweep(
  connection: Redis,
  queue: Queue,
  sweepId: string,
  jobIds: Iterable<string>,
): Promise<Removed> {
  const ids = [...jobIds];
  const statesOf = () => Promise.all(ids.map((id) => queue.getJobState(id)));
  const before = await statesOf();
  await requestCancel(connection, sweepId);
  await removeWaitingJobs(queue, ids);
  const after = await statesOf();
  return {
    removed: ids.filter((_, i) => NOT_STARTED.has(before[i]) && after[i] === 'unknown').length,
    running: after.filter((s) => s === 'active').length,
  };
}

/** Marks the sweep cancelled (first, so a coordinator does not enqueue what is removed next). */
async function requestCancel(connection: Redis, sweepId: string): Promise<void> {
  await connection.set(markerOf(sweepId), new Date().toISOString(), 'EX', DAY_SECONDS);
}

export async function cancelRequested(connection: Redis, sweepId: string): Promise<boolean> {
  return (await connection.exists(markerOf(sweepId))) === 1;
}

/** A new run of the sweep supersedes an earlier cancel. */
export async function clearCancel(connection: Redis, sweepId: string): Promise<void> {
  await connection.del(markerOf(sweepId));
}
