// Redis clients for BullMQ from a redis://[user:password@]host:port[/db] URL, or rediss:// for TLS
// (ioredis then verifies the server's certificate against Node's CAs; NODE_EXTRA_CA_CERTS adds a
// private one). BullMQ 6 leaves the client to the application; under ESM it needs an ioredis
// instance. Messages name the URL without its credentials.
import { Redis } from 'ioredis';
import { checkRedisUrl, redactUrl } from './redis-url.js';

export function redisConnection(url: string): Redis {
  checkRedisUrl(url);
  // BullMQ workers block on Redis; they must not give up on a slow answer.
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Resolves once Redis answers; rejects with a clear error after `timeoutMs` (the client would
 * otherwise wait forever), or as soon as `signal` aborts.
 */
export async function ensureReachable(
  connection: Redis,
  url: string,
  signal?: AbortSignal,
  timeoutMs = 10_000,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`cannot reach Redis at ${redactUrl(url)} (no answer in ${timeoutMs / 1000} s)`)),
      timeoutMs,
    );
    onAbort = () => reject(new Error('stopped'));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const pong = connection.ping();
  pong.catch(() => {}); // a ping still pending when we give up fails later, unheard
  try {
    await Promise.race([pong, giveUp]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort!);
  }
}

/** `promise`, or undefined once `ms` have passed: for closing clients whose server may be gone. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}
