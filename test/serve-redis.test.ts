// `ddlab serve --redis URL`: a sweep started from the browser's request runs on `ddlab worker`s
// through Redis (a loopback redis-server the test starts), and the lab follows it to the end.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLabServer, type LabServer } from '../src/server/lab-server.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { postJson, rawRequest, sweepEvents } from './serve-helpers.js';
import { BIN, start, tempDir, waitFor, type Running } from './sweep-cli-helpers.js';

let redis: RedisServer | undefined;
let server: LabServer | undefined;
let worker: Running | undefined;

afterAll(async () => {
  await server?.close();
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await redis?.stop();
});

describe('serve with --redis', () => {
  it('runs a sweep started by request on a Redis worker', async () => {
    redis = await startRedis();
    const url = redis.url();
    worker = start(['worker', '--redis', url]);
    await waitFor(() => /waiting for trials/.test(worker!.output().stderr), 30_000, 'the worker');
    const dir = tempDir('ddlab-serve-redis-');
    server = await startLabServer({
      db: join(dir, 'lab.db'),
      host: '127.0.0.1',
      port: 0,
      redis: url,
      appDir: join(dir, 'no-app'),
      cli: BIN,
      pollMs: 100,
    });
    const stream = sweepEvents(server.url);
    try {
      const res = await postJson(server.url, '/api/sweeps', {
        preset: 'rff',
        config: { n: 20, nTest: 10, features: [5, 10] },
        seeds: 2,
      });
      expect(res.status).toBe(202);
      const { id } = JSON.parse(res.body);
      await waitFor(
        () => stream.events.some((l) => l.some((s) => s.id === id && s.counts.done === 2)),
        120_000,
        'the sweep to finish on the worker',
      );
      const trials = JSON.parse((await rawRequest(server.url, `/api/sweeps/${id}/trials`)).body);
      // The local pool names its workers 'main' and 'thread-k'; these came from the Redis worker.
      for (const t of trials) expect(t.worker).not.toMatch(/^(main|thread-\d+)$/);
      expect(worker.output().stderr).toMatch(/trial \S+ \(rff\) started/);
    } finally {
      await stream.close();
    }
  });
});
