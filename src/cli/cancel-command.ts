// `ddlab cancel SWEEP --redis URL`: stops a distributed sweep from any shell. Its waiting jobs leave
// the queue, and its coordinator, if one runs, stops as on Ctrl-C; trials already running finish
// on their workers, and the next `ddlab run` of the sweep collects them and runs the rest.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Store } from '../store/store.js';
import { cancelSweep } from '../sweep/redis-cancel.js';
import { jobIdOf, trialQueueName } from '../sweep/redis-job.js';
import { codeVersion } from './provenance.js';

export function registerCancelCommand(program: Command): void {
  program
    .command('cancel')
    .description('stop a sweep running on Redis workers: remove its waiting jobs and stop its coordinator')
    .argument('<sweep>', 'sweep id (or a unique prefix) or name, as `ddlab ls` shows')
    .requiredOption('--redis <url>', 'the Redis server of the sweep')
    .option('--db <path>', 'the SQLite store', 'ddlab.db')
    .action(async (ref: string, o: { redis: string; db: string }) => {
      const db = resolve(o.db);
      if (!existsSync(db)) throw new Error(`no store at ${o.db} (--db)`);
      const store = new Store(db);
      let sweep, trials;
      try {
        sweep = store.findSweep(ref);
        trials = store.trials(sweep.id);
      } finally {
        store.close();
      }
      // The Redis client (bullmq, ioredis) loads only for this command: it is slow to load.
      const [{ Queue }, { ensureReachable, redisConnection }] = await Promise.all([
        import('bullmq'),
        import('../sweep/redis-connection.js'),
      ]);
      const version = codeVersion();
      const connection = redisConnection(o.redis);
      connection.on('error', () => {}); // an unreachable server is reported once, by ensureReachable
      const queue = new Queue(trialQueueName(version), { connection });
      try {
        await ensureReachable(connection, o.redis);
        const { removed, running } = await cancelSweep(
          connection,
          queue,
          sweep.id,
          trials.map((t) => jobIdOf(t, version)),
        );
        const still = running ? `; ${running} running trial(s) finish on their workers` : '';
        console.log(
          `cancelled sweep ${sweep.id} (${sweep.name}): removed ${removed} waiting trial(s)${still}`,
        );
      } finally {
        await queue.close().catch(() => {});
        connection.disconnect();
      }
    });
}
