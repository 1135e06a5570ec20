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

/** Resolves once Redis answers; rejects with a clear error after `timeoutMs` (the client would otherwise wait forever). */
export async function ensureReachable(connection: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cannot reach Redis at ${url} (no answer in ${timeoutMs / 1000} s)`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([connection.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
