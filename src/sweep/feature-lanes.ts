// FeatureLanes on worker threads (src/models/feature-lanes.ts): one ONNX Runtime session of one
// thread per lane, started on first use and kept for the trial, so every block after the first
// pays only for moving its rows and results between threads.
import { Piscina } from 'piscina';
import type { FeatureLanes, RawFeatureTask } from '../models/feature-lanes.js';
import type { Matrix } from '../engine/matrix.js';

export interface ClosableFeatureLanes extends FeatureLanes {
  /** Stops the threads (a no-op when none were started). */
  close(): Promise<void>;
}

export function featureLanesOnThreads(lanes: number): ClosableFeatureLanes {
  if (!(Number.isInteger(lanes) && lanes >= 1))
    throw new Error(`lanes must be a positive integer, got ${lanes}`);
  let pool: Piscina | undefined;
  return {
    lanes,
    async run(task: RawFeatureTask): Promise<Matrix> {
      pool ??= new Piscina({
        filename: new URL('./feature-worker.js', import.meta.url).href,
        minThreads: lanes,
        maxThreads: lanes,
        // One task per thread at a time: a queued second chunk would wait behind the first anyway.
        concurrentTasksPerWorker: 1,
      });
      // The task's buffers move to the thread (FeatureLanes.run: the caller passes copies).
      const arrays = [task.x.data, task.w.data, ...(task.b ? [task.b] : [])];
      const transferList = arrays.map((a) => a.buffer as ArrayBuffer);
      const data = (await pool.run(task, { transferList })) as Float64Array;
      return { rows: task.x.rows, cols: task.w.rows, data };
    },
    async close() {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
