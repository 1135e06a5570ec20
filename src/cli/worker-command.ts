// `ddlab worker --redis URL`: a distributed worker for sweeps started with `ddlab run … --redis URL`.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { positiveInteger } from './options.js';
import { codeVersion } from './provenance.js';
import { SECRET_FLAGS, SECRET_HELP, secretFrom } from './secret-option.js';

/** `--allow-dataset DIR`, repeatable: existing folders, as absolute paths. */
function allowedFolder(value: string, previous: string[]): string[] {
  let isDirectory = false;
  try {
    isDirectory = statSync(value).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new InvalidArgumentError(`--allow-dataset must be a folder, got '${value}'`);
  return [...previous, resolve(value)];
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run trials from a Redis queue (start any number, on any machines)')
    .requiredOption('--redis <url>', 'Redis server, redis://[user:password@]host:port or rediss:// (TLS)')
    .option(
      '--concurrency <n>',
      'trials at a time (each in its own process)',
      positiveInteger('--concurrency'),
      1,
    )
    .option(
      '--lock-ms <ms>',
      'a dead worker’s trial is retried elsewhere after this long',
      positiveInteger('--lock-ms'),
      30_000,
    )
    .option(
      '--allow-dataset <dir>',
      "a folder whose data sets jobs may name (repeatable); 'mnist' and 'fashion-mnist' are always allowed",
      allowedFolder,
      [],
    )
    .option(SECRET_FLAGS, SECRET_HELP)
    .action(
      async (o: {
        redis: string;
        concurrency: number;
        lockMs: number;
        allowDataset: string[];
        secret?: string;
      }) => {
        // Loaded only for this command: the Redis client (bullmq, ioredis) is slow to load.
        const { runRedisWorker } = await import('../sweep/redis-worker.js');
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        await runRedisWorker(
          o.redis,
          codeVersion(),
          {
            concurrency: o.concurrency,
            lockDurationMs: o.lockMs,
            stalledIntervalMs: Math.max(500, Math.round(o.lockMs / 2)),
            secret: secretFrom(o.secret),
            allowedDatasets: o.allowDataset,
            log: (line) => console.error(line),
          },
          controller.signal,
        );
        // Stopped: Redis clients still retrying an unreachable server must not keep the process up.
        if (controller.signal.aborted) process.exit(0);
      },
    );
}
