// Parts of one trial side by side on worker threads, one ORT thread each (RunContext.runParts). A
// trial that runs alone in its process would otherwise use the cores through ORT's intra-op threads,
// which split each small GEMM and synchronise per node: on 2 shared cores, two lanes of one thread
// each beat one lane of two (the same measurement as the local pool's, bench/sweep.ts).
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RunContext } from '../experiments/preset.js';

/** Lanes for the parts of a trial alone in this process: one per core (undefined on one core). */
export function partLanes(): number | undefined {
  const cores = availableParallelism();
  return cores > 1 ? cores : undefined;
}

/**
 * runParts on `lanes` worker threads, kept from one call to the next until `close`: the trials of a
 * sweep that run in this process one after another reuse the threads, with the data sets and ONNX
 * Runtime sessions they have loaded (a fresh pool per trial cost its start-up every time).
 */
export function runPartsOnThreads(
  lanes: number,
): Required<Pick<RunContext, 'runParts' | 'partLanes'>> & { close(): Promise<void> } {
  let pool: Piscina | undefined;
  return {
    partLanes: lanes,
    async runParts(preset, parts, onProgress) {
      pool ??= new Piscina({
        filename: new URL('./part-worker.js', import.meta.url).href,
        minThreads: lanes,
        maxThreads: lanes,
      });
      const progress = parts.map(() => ({ done: 0, total: 0 }));
      const report = () =>
        onProgress?.(
          progress.reduce((a, p) => a + p.done, 0),
          progress.reduce((a, p) => a + p.total, 0),
        );
      const running = pool;
      // Every part settles before the first failure is reported: the caller may then close the
      // pool, and ONNX Runtime aborts the whole process when a thread is torn down inside one of its
      // calls (a diverging lane must not take the other lane's run down with it).
      const settled = await Promise.allSettled(
        parts.map((config, i) => {
          const { port1, port2 } = new MessageChannel();
          port1.on('message', (p: { done: number; total: number }) => {
            progress[i] = p;
            report();
          });
          return running
            .run({ preset, config, progress: port2 }, { transferList: [port2] })
            .finally(() => port1.close());
        }),
      );
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
    },
    async close() {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
