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

export function runPartsOnThreads(lanes: number): Required<Pick<RunContext, 'runParts' | 'partLanes'>> {
  return {
    partLanes: lanes,
    async runParts(preset, parts, onProgress) {
      const pool = new Piscina({
        filename: new URL('./part-worker.js', import.meta.url).href,
        minThreads: Math.min(lanes, parts.length),
        maxThreads: Math.min(lanes, parts.length),
      });
      const progress = parts.map(() => ({ done: 0, total: 0 }));
      const report = () =>
        onProgress?.(
          progress.reduce((a, p) => a + p.done, 0),
          progress.reduce((a, p) => a + p.total, 0),
        );
      try {
        return await Promise.all(
          parts.map((config, i) => {
            const { port1, port2 } = new MessageChannel();
            port1.on('message', (p: { done: number; total: number }) => {
              progress[i] = p;
              report();
            });
            return pool
              .run({ preset, config, progress: port2 }, { transferList: [port2] })
              .finally(() => port1.close());
          }),
        );
      } finally {
        await pool.destroy();
      }
    },
  };
}
