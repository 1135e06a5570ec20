// Local parallelism: trials on a pool of worker threads (piscina), or in this process with
// workers = 0. ONNX Runtime is multi-threaded itself; with several workers each session gets its
// share of the cores (cores / workers threads), so the pool never oversubscribes the machine and
// the single-threaded parts of a trial (TypeScript, ORT's elementwise ops) run side by side.
// Measured on 2 cores (npm run bench -- sweep): 2 workers × 1 thread beat 1 worker × 2 threads for
// small and large trials alike, hence the default of one worker per core.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Executor, TrialEvents } from './executor.js';
import type { Trial } from '../experiments/experiment.js';
import { runTrial } from './run-trial.js';
import { partLanes, runPartsOnThreads } from './parallel-parts.js';
import { featureLanesOnThreads } from './feature-lanes.js';

/** The default pool size: one worker per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** `onTrialProgress` reports progress inside a trial; only available in-process (workers = 0). */
export function localExecutor(
  workers: number,
  onTrialProgress?: (done: number, total: number) => void,
): Executor {
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
  return {
    async run(preset, trials, events: TrialEvents, signal) {
      const runOne = async (trial: Trial, worker: string) => {
        if (signal.aborted || !events.started(trial, worker)) return;
        const t0 = performance.now();
        try {
          const task = { preset, config: trial.config };
          // No abort signal for the pool: terminating a thread while ONNX Runtime runs in it aborts the
          // whole process. An interruption stops new trials; running ones finish and are kept.
          // In-process trials have the cores to themselves: presets with parts spread them over threads.
          const lanes = partLanes();
          const featureLanes = lanes && !pool ? featureLanesOnThreads(lanes) : undefined;
          const parts = lanes ? { ...runPartsOnThreads(lanes), featureLanes } : undefined;
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
      if (!pool) {
        for (const t of trials) await runOne(t, 'main');
        return;
      }
      // Hand the pool at most `workers` trials at a time, so 'running' means running.
      let next = 0;
      const lanes = Array.from({ length: workers }, async (_, lane) => {
        while (next < trials.length && !signal.aborted) await runOne(trials[next++], `thread-${lane}`);
      });
      await Promise.all(lanes);
    },
    async close() {
      await pool?.destroy();
    },
  };
}
