// `ddlab serve`: the store as a live lab in the browser (server/lab-server.ts).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { isLoopback } from '../server/loopback.js';
import { integer } from './options.js';

/** web/dist and bin/ddlab.js, from dist/src/cli/ where this file runs compiled. */
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('open the store in the browser: live sweeps, interactive figures, compare, start sweeps')
    .option('--db <path>', 'the SQLite store', 'ddlab.db')
    .option('--port <n>', 'port (0: any free one)', integer('--port'), 8350)
    .option('--host <address>', 'address to listen on; anything but loopback needs a token', '127.0.0.1')
    .option(
      '--token <token>',
      'required by every request that changes anything (default: $DDLAB_TOKEN; off loopback one is generated when not given)',
    )
    .option('--redis <url>', 'run sweeps started in the browser on `ddlab worker`s through Redis')
    .action(async (o: { db: string; port: number; host: string; token?: string; redis?: string }) => {
      if (o.port < 0 || o.port > 65535) throw new Error(`--port must be in [0, 65535], got ${o.port}`);
      let token = o.token ?? (process.env.DDLAB_TOKEN || undefined);
      // Off loopback anyone on the network could start sweeps: never without a token.
      if (!token && !isLoopback(o.host)) token = randomBytes(24).toString('base64url');
      // The server (fastify, its static files, the Redis client) loads only for this command.
      const { startLabServer } = await import('../server/lab-server.js');
      const server = await startLabServer({
        db: resolve(o.db),
        host: o.host,
        port: o.port,
        token,
        redis: o.redis,
        appDir: resolve(ROOT, 'web/dist'),
        cli: resolve(ROOT, 'bin/ddlab.js'),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const address = token ? `${server.url}/?token=${token}` : server.url;
      console.log(`ddlab lab on ${address} (store ${resolve(o.db)}); Ctrl-C stops it`);
      if (token && !o.token && !process.env.DDLAB_TOKEN) console.log(`token (generated): ${token}`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
