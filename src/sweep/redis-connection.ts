// Redis clients for BullMQ from a redis://[user:password@]host:port[/db] URL. (BullMQ 6 leaves the
// client to the application; under ESM it needs a constructed ioredis instance.)
import { Redis } from 'ioredis';

export const TRIAL_QUEUE = 'ddlab-trials';

export function redisConnection(url: string): Redis {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis must be a URL like redis://127.0.0.1:6379, got '${url}'`);
  }
  if (u.protocol !== 'redis:') throw new Error(`--redis must start with redis://, got '${url}'`);
  // BullMQ workers block on Redis; they must not give up on a slow answer.
  return new Redis(url, { maxRetriesPerRequest: null });
}
