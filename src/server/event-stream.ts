// Live updates as server-sent events: `GET /api/events` sends the sweeps list at once and again
// whenever the store's watch (store-watch.ts) sees it change. Pages refetch what they show when
// the sweep they show changed.
import type { FastifyInstance } from 'fastify';
import { jsonBody } from './json-body.js';
import type { StoreWatch } from './store-watch.js';
import type { SweepListEntry } from './sweep-views.js';

export function registerEventStream(app: FastifyInstance, watch: StoreWatch): void {
  const open = new Set<() => void>();
  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (sweeps: SweepListEntry[]) => res.write(`event: sweeps\ndata: ${jsonBody(sweeps)}\n\n`);
    send(watch.current());
    const unsubscribe = watch.subscribe(send);
    // A comment now and then keeps proxies and idle timeouts from closing a quiet stream.
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    const end = () => {
      unsubscribe();
      clearInterval(ping);
      open.delete(end);
      res.end();
    };
    open.add(end);
    req.raw.on('close', end);
  });
  // Open streams would hold the server open for ever.
  app.addHook('onClose', async () => {
    for (const end of [...open]) end();
  });
}
