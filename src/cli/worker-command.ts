// `ddlab worker --redis URL`: a distributed worker for sweeps started with `ddlab run … --redis URL`.
import type { Command } from 'commander';
import { runRedisWorker } from '../sweep/redis-worker.js';
import { positiveInteger } from './options.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run trials from a Redis queue (start any number, on any machines)')
    .requiredOption('--redis <url>', 'Redis server, redis://host:port')
    .option(
      '--concurrency <n>',
      'trials at a time (each on its own thread)',
      positiveInteger('--concurrency'),
      1,
    )
    .option(
      '--lock-ms <ms>',
      'a dead worker’s trial is retried elsewhere after this long',
      positiveInteger('--lock-ms'),
      30_000,
    )
    .action(async (o: { redis: string; concurrency: number; lockMs: number }) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      await runRedisWorker(
        o.redis,
        {
          concurrency: o.concurrency,
          lockDurationMs: o.lockMs,
          stalledIntervalMs: Math.max(500, Math.round(o.lockMs / 2)),
          log: (line) => console.error(line),
        },
        controller.signal,
      );
    });
}
