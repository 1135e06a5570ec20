// Local parallelism: trials on a pool of worker threads (piscina), or in this process with
// workers = 0. ONNX Runtime is multi-threaded itself; with several workers each session gets its
// share of the cores (cores / workers threads), so the pool never oversubscribes the machine and
// the single-threaded parts of a trial (TypeScript, ORT's elementwise ops) run side by side.
// Measured on 2 cores (npm run bench -- sweep): 2 workers × 1 thread beat 1 worker × 2 threads for
// small and large trials alike, hence the default of one worker per core. Trials that can train as
// one ensemble run merged (merge-trials.ts), a group per task, unless merging is turned off.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Executor, TrialEvents } from './executor.js';
import type { Trial } from '../experiments/experiment.js';
import type { PresetResult } from '../experiments/preset.js';
import { localTasks } from './merge-trials.js';
import { runMergedTrials, runTrial } from './run-trial.js';
import { partLanes, runPartsOnThreads } from './parallel-parts.js';
import { featureLanesOnThreads } from './feature-lanes.js';

/** The default pool size: one worker per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export interface LocalExecutorOptions {
  /**
   * Run trials that share data, batch order and procedure as one (merge-trials.ts; default true).
   * A merged group runs only its unfinished trials: what the store already holds is not run again.
   */
  merge?: boolean;
}

/** `onTrialProgress` reports progress inside a trial; only available in-process (workers = 0). */
export function localExecutor(
  workers: number,
  onTrialProgress?: (done: number, total: number) => void,
  options: LocalExecutorOptions = {},
): Executor {
  const merge = options.merge ?? true;
  const pool =
    workers > 0
      ? new Piscina({
          filename: new URL('./trial-worker.js', import.meta.url).href,
          minThreads: workers,
          maxThreads: workers,
          idleTimeout: 1000,
          workerData: {
            threads: workers > 1 ? Math.max(1, Math.floor(availableParallelism() / workers)) : undefined,
          },
        })
      : undefined;
  // In-process trials have the cores to themselves: presets with parts spread them over these
  // threads, which stay up from one trial to the next (closed with the executor).
  const coreLanes = partLanes();
  const partThreads = coreLanes && !pool ? runPartsOnThreads(coreLanes) : undefined;
  return {
    async run(preset, trials, events: TrialEvents, signal) {
      /** Runs one claimed trial alone and reports it. */
      const runAlone = async (trial: Trial, worker: string) => {
        const t0 = performance.now();
        try {
          const task = { preset, config: trial.config };
          // No abort signal for the pool: terminating a thread while ONNX Runtime runs in it aborts the
          // whole process. An interruption stops new trials; running ones finish and are kept.
          const featureLanes = coreLanes && !pool ? featureLanesOnThreads(coreLanes) : undefined;
          const parts = partThreads ? { ...partThreads, featureLanes } : undefined;
          const result = pool
            ? await pool.run(task)
            : await runTrial(task, onTrialProgress, undefined, parts).finally(() => featureLanes?.close());
          events.finished(trial, result, (performance.now() - t0) / 1000, worker);
        } catch (e) {
          if (signal.aborted) return;
          events.failed(
            trial,
            e instanceof Error ? e.message : String(e),
            (performance.now() - t0) / 1000,
            worker,
          );
        }
      };
      /**
       * Runs claimed trials as one. Each is stored as its own trial with its share of the time; the
       * worker names the merge. If the merged run fails (one member diverged, say), each trial runs
       * again alone, so only the trials that fail alone are recorded as failed.
       */
      const runMerged = async (group: Trial[], worker: string) => {
        const t0 = performance.now();
        let results: PresetResult[];
        try {
          const task = { preset, configs: group.map((t) => t.config) };
          results = pool
            ? ((await pool.run(task)) as PresetResult[])
            : await runMergedTrials(task, onTrialProgress);
        } catch {
          if (signal.aborted) return;
          for (const trial of group) await runAlone(trial, worker);
          return;
        }
        const share = (performance.now() - t0) / 1000 / group.length;
        const label = `${worker} (merged run of ${group.length} trials)`;
        group.forEach((trial, i) => events.finished(trial, results[i], share, label));
      };
      const runGroup = async (group: Trial[], worker: string) => {
        if (signal.aborted) return;
        // Only the trials this coordinator may run (another one may own some).
        const claimed = group.filter((t) => events.started(t, worker));
        if (claimed.length === 1) await runAlone(claimed[0], worker);
        else if (claimed.length > 1) await runMerged(claimed, worker);
      };
      const groups = localTasks(preset, trials, workers, merge);
      if (!pool) {
        for (const g of groups) await runGroup(g, 'main');
        return;
      }
      // Hand the pool at most `workers` groups at a time, so 'running' means running.
      let next = 0;
      const lanes = Array.from({ length: workers }, async (_, lane) => {
        while (next < groups.length && !signal.aborted) await runGroup(groups[next++], `thread-${lane}`);
      });
      await Promise.all(lanes);
    },
    async close() {
      await pool?.destroy();
      await partThreads?.close();
    },
  };
}
