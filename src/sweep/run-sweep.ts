// Runs a sweep: registers it in the store, runs only its unfinished trials on an executor, records
// each result atomically as it arrives, and stops cleanly when asked. Running the same spec again
// resumes it: finished trials are never re-run, interrupted or failed ones run again.
//
// Several coordinators may run one sweep on one store: each claims a trial before running it (a
// lease, renewed by a heartbeat), so every trial runs once. A coordinator that runs out of
// unclaimed trials waits for the ones other coordinators hold, and takes over those whose owner
// stops; it returns when no trial is left running anywhere.
import type { PresetResult } from '../experiments/preset.js';
import { HEARTBEAT_MS } from '../store/lease.js';
import type { Store } from '../store/store.js';
import type { Executor } from './executor.js';
import type { Sweep, Trial } from '../experiments/experiment.js';

export interface SweepProgress {
  total: number;
  done: number;
  failed: number;
  running: number;
}

export interface SweepOutcome {
  /** False when the run was interrupted before every trial had ended. */
  complete: boolean;
  ranNow: number;
  failures: { trial: Trial; error: string }[];
}

export async function runSweep(
  sweep: Sweep,
  store: Store,
  executor: Executor,
  options: {
    provenance: Record<string, unknown>;
    signal: AbortSignal;
    /** This coordinator's owner id (lease.ts newOwner). */
    owner: string;
    onProgress?: (p: SweepProgress) => void;
    /** Called once for each other coordinator found holding trials that this one waits for. */
    onWaiting?: (owner: string, trials: number) => void;
    /** How often to look at the trials that other coordinators hold. */
    pollMs?: number;
  },
): Promise<SweepOutcome> {
  const { owner, signal } = options;
  store.registerSweep(sweep, options.provenance);
  const running = new Set<string>();
  const failures: SweepOutcome['failures'] = [];
  let ranNow = 0;
  const report = () => {
    if (!options.onProgress) return;
    const { done } = store.statusCounts(sweep.id); // other coordinators' trials too
    options.onProgress({ total: sweep.trials.length, done, failed: failures.length, running: running.size });
  };
  const events = {
    started(trial: Trial, worker: string) {
      if (!store.claimTrial(sweep.id, trial.id, owner, worker)) return false;
      running.add(trial.id);
      report();
      return true;
    },
    finished(trial: Trial, result: PresetResult, seconds: number, worker: string) {
      running.delete(trial.id);
      if (store.completeTrial(sweep.id, trial.id, result, seconds, worker)) ranNow++;
      report();
    },
    failed(trial: Trial, error: string, seconds: number, worker: string) {
      running.delete(trial.id);
      store.failTrial(sweep.id, trial.id, error, seconds, worker, owner);
      failures.push({ trial, error });
      report();
    },
  };
  report();

  const heartbeat = setInterval(() => store.renewLeases(owner), HEARTBEAT_MS);
  const waitedFor = new Set<string>();
  try {
    // Failed trials are retried once per run: in the first pass only.
    for (let pass = 0; !signal.aborted; pass++) {
      const todo = store.claimableTrials(sweep.id, pass === 0);
      if (todo.length > 0) {
        await executor.run(sweep.preset, todo, events, signal);
        continue; // trials may have been freed meanwhile (an owner stopped)
      }
      const held = store.heldElsewhere(sweep.id, owner);
      if (held.size === 0) break;
      for (const [other, trials] of held) {
        if (!waitedFor.has(other)) options.onWaiting?.(other, trials);
        waitedFor.add(other);
      }
      await pause(options.pollMs ?? 1000, signal);
      report();
    }
  } finally {
    clearInterval(heartbeat);
  }
  // Trials cut off by an interruption go back to pending, to run on resume.
  if (running.size > 0) store.releaseRunning(sweep.id, owner);
  return { complete: !signal.aborted, ranNow, failures };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
