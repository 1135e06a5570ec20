// Runs a sweep: registers it in the store, runs only its unfinished trials on an executor, records
// each result atomically as it arrives, and stops cleanly when asked. Running the same spec again
// resumes it: finished trials are never re-run, interrupted or failed ones run again.
import type { PresetResult } from '../experiments/preset.js';
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
    onProgress?: (p: SweepProgress) => void;
  },
): Promise<SweepOutcome> {
  store.registerSweep(sweep, options.provenance);
  const todo = store.unfinishedTrials(sweep.id);
  const progress: SweepProgress = {
    total: sweep.trials.length,
    done: sweep.trials.length - todo.length,
    failed: 0,
    running: 0,
  };
  const running = new Set<string>();
  const failures: SweepOutcome['failures'] = [];
  let ranNow = 0;
  const report = () => options.onProgress?.({ ...progress, running: running.size });
  report();

  await executor.run(
    sweep.preset,
    todo,
    {
      started(trial, worker) {
        store.markRunning(sweep.id, trial.id, worker);
        running.add(trial.id);
        report();
      },
      finished(trial, result: PresetResult, seconds, worker) {
        running.delete(trial.id);
        if (store.completeTrial(sweep.id, trial.id, result, seconds, worker)) {
          progress.done++;
          ranNow++;
        }
        report();
      },
      failed(trial, error, seconds, worker) {
        running.delete(trial.id);
        store.failTrial(sweep.id, trial.id, error, seconds, worker);
        progress.failed++;
        failures.push({ trial, error });
        report();
      },
    },
    options.signal,
  );
  // Trials cut off by an interruption go back to pending, to run on resume.
  if (running.size > 0) store.markPending(sweep.id, [...running]);
  return { complete: !options.signal.aborted, ranNow, failures };
}
