// `ddlab serve`: a Fastify server with the JSON API over the store, live events, the built web app
// and the launcher for sweeps started from the browser. It only reads the store (through its own
// read-only connection; WAL lets other processes write meanwhile); sweeps it starts are written by
// their own `ddlab run` processes.
import { existsSync } from 'node:fs';
import Fastify from 'fastify';
import { Store } from '../store/store.js';
import { ApiInputError } from './api-input.js';
import { registerApiRoutes } from './api-routes.js';
import { registerEventStream } from './event-stream.js';
import { guardHook } from './request-guard.js';
import { serveApp } from './static-app.js';
import { sweepLauncher } from './sweep-launcher.js';
import { BadSweepRequest } from './sweep-request.js';
import { watchStore } from './store-watch.js';

export interface LabServerOptions {
  db: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** Required (by the CLI) off loopback; when set, every state-changing request must carry it. */
  token?: string;
  redis?: string;
  /** The built web app (web/dist). */
  appDir: string;
  /** The CLI script that runs sweeps started from the browser. */
  cli: string;
  /** How often to look at the store for changes. */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface LabServer {
  url: string;
  close(): Promise<void>;
}

export async function startLabServer(o: LabServerOptions): Promise<LabServer> {
  // A fresh path gets an empty store, so the lab can open before the first `ddlab run`.
  if (!existsSync(o.db)) new Store(o.db).close();
  const store = new Store(o.db, { readonly: true });
  const watch = watchStore(store, o.pollMs);
  const launcher = sweepLauncher({ cli: o.cli, db: o.db, redis: o.redis, log: o.log });
  const app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', guardHook({ host: o.host, token: o.token }));
  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof BadSweepRequest)
      return reply.code(400).send({ error: error.message, fields: error.fields });
    if (error instanceof ApiInputError) return reply.code(400).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    // Fastify's own 4xx (a body that is not JSON, too large …) keep their status and message.
    if (status && status >= 400 && status < 500)
      return reply.code(status).send({ error: (error as Error).message });
    o.log?.(`error: ${(error as Error).stack ?? String(error)}`);
    return reply.code(500).send({ error: (error as Error).message });
  });
  registerApiRoutes(app, store, launcher);
  registerEventStream(app, watch);
  await serveApp(app, o.appDir, store);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    watch.stop();
    store.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      watch.stop();
      await launcher.close();
      await app.close();
      store.close();
    },
  };
}
