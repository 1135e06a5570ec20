// Redis connection options for BullMQ from a redis://[user:password@]host:port[/db] URL.

export const TRIAL_QUEUE = 'ddlab-trials';

export function redisConnection(url: string) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis must be a URL like redis://127.0.0.1:6379, got '${url}'`);
  }
  if (u.protocol !== 'redis:') throw new Error(`--redis must start with redis://, got '${url}'`);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    // BullMQ workers block on Redis; they must not give up on a slow answer.
    maxRetriesPerRequest: null,
  };
}
