// The built single-page app (web/dist). Files are served only from that folder: @fastify/static
// (through @fastify/send) decodes and normalises each path and refuses any that would leave it, and
// files are looked up per request, so a rebuild of the app shows without restarting the server. The app's own paths (/, /sweeps/ID, /compare, /new) get
// index.html; a sweep that does not exist gets it with status 404, and the app shows its 404 page.
// The static lab (web/dist/lab, pages that compute in the browser) is served under /lab/ with the
// COOP/COEP headers that make it cross-origin isolated, so ORT-web can run multi-threaded there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Store } from '../store/store.js';
import { sweepById } from './sweep-views.js';

const NOT_BUILT = `<!doctype html><title>ddlab</title><p>The web app is not built: run
<code>npm run build:web</code> in the ddlab checkout, then start <code>ddlab serve</code> again.</p>`;

/** Cross-origin isolation: SharedArrayBuffer, hence ORT-web's WASM threads, for the lab's pages. */
const CROSS_ORIGIN_ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export async function serveApp(app: FastifyInstance, appDir: string, store: Store): Promise<void> {
  const indexFile = join(appDir, 'index.html');
  const built = existsSync(indexFile);
  if (built) await app.register(fastifyStatic, { root: appDir, index: false, dotfiles: 'deny' });
  const page = (status: number) => (_req: unknown, reply: FastifyReply) =>
    reply
      .code(built ? status : 503)
      .type('text/html; charset=utf-8')
      .send(built ? readFileSync(indexFile) : NOT_BUILT);
  for (const path of ['/', '/compare', '/new']) app.get(path, page(200));
  app.addHook('onSend', async (req, reply) => {
    if (req.url === '/lab' || req.url.startsWith('/lab/')) reply.headers(CROSS_ORIGIN_ISOLATION);
  });
  app.get('/lab', (_req, reply) => reply.redirect('/lab/'));
  app.get('/lab/', (_req, reply) => {
    const labIndex = join(appDir, 'lab', 'index.html');
    if (!existsSync(labIndex)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').send(readFileSync(labIndex));
  });
  app.get<{ Params: { id: string } }>('/sweeps/:id', (req, reply) =>
    page(sweepById(store, req.params.id) ? 200 : 404)(req, reply),
  );
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return reply.code(404).send({ error: `no API route ${req.url}` });
    return page(404)(req, reply);
  });
}
