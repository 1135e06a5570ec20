// `ddlab cancel` against a coordinator that reacts to the cancel marker: whichever of the two takes
// the sweep's waiting jobs off the queue, the cancel reports them as removed (a CI run once printed
// "removed 0" because the coordinator had been quicker).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRequested, cancelSweep, removeWaitingJobs } from '../src/sweep/redis-cancel.js';
import { startRedis, type RedisServer } from './redis-server.js';

let redis: RedisServer;
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  redis = await startRedis();
  connection = redis.client();
  queue = new Queue('cancel-test', { connection: redis.client() });
});

afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await redis?.stop();
});

async function enqueue(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (const id of ids) await queue.add('trial', { id }, { jobId: id });
  return ids;
}

/** The connection, with a coordinator that removes the jobs as soon as the marker is written. */
function withQuickCoordinator(jobIds: string[]): Redis {
  return new Proxy(connection, {
    get(target, key, receiver) {
      if (key !== 'set') return Reflect.get(target, key, receiver);
      return async (...args: Parameters<Redis['set']>) => {
        const reply = await (target.set as (...a: unknown[]) => Promise<unknown>)(...args);
        await removeWaitingJobs(queue, jobIds);
        return reply;
      };
    },
  });
}

describe('cancelSweep', () => {
  it('removes the waiting jobs and marks the sweep cancelled', async () => {
    const ids = await enqueue('alone', 3);
    expect(await cancelSweep(connection, queue, 'sweep-alone', ids)).toEqual({ removed: 3, running: 0 });
    for (const id of ids) expect(await queue.getJobState(id)).toBe('unknown');
    expect(await cancelRequested(connection, 'sweep-alone')).toBe(true);
  });

  it('counts the jobs a coordinator removed first, on seeing the marker', async () => {
    const ids = await enqueue('raced', 3);
    const removed = await cancelSweep(withQuickCoordinator(ids), queue, 'sweep-raced', ids);
    expect(removed).toEqual({ removed: 3, running: 0 });
    for (const id of ids) expect(await queue.getJobState(id)).toBe('unknown');
  });

  it('does not count jobs that were already gone or never queued', async () => {
    const ids = await enqueue('partial', 2);
    await queue.remove(ids[0]);
    const removed = await cancelSweep(connection, queue, 'sweep-partial', [...ids, 'never-queued']);
    expect(removed).toEqual({ removed: 1, running: 0 });
  });
});
