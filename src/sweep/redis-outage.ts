// A Redis outage as two lines: one when the server becomes unreachable, one when it answers again.
// ioredis retries for ever and every client (BullMQ opens several) reports every failed attempt,
// each with a stack: left alone, a few seconds of outage print a hundred lines.
import type { Redis } from 'ioredis';

export interface OutageReporter {
  /** For 'error' events of BullMQ queues and workers: connection errors count towards the outage. */
  error(e: Error): void;
  /** Stops reporting (before closing the connection on purpose). */
  stop(): void;
}

/** Reports outages of `connection` (the client whose 'ready' says Redis is back) to `log`. */
export function reportOutages(connection: Redis, where: string, log: (line: string) => void): OutageReporter {
  let downSince: number | undefined;
  let stopped = false;
  let lastOther = '';
  const reporter: OutageReporter = {
    error(e) {
      if (stopped) return;
      if (isConnectionError(e)) {
        if (downSince !== undefined) return;
        downSince = Date.now();
        log(`Redis at ${where} is unreachable (${(e as { code?: string }).code ?? e.message}); retrying…`);
      } else if (e.message !== lastOther) {
        lastOther = e.message; // other errors once each, as one line
        log(`Redis at ${where}: ${e.message}`);
      }
    },
    stop() {
      stopped = true;
      connection.off('error', reporter.error);
      connection.off('ready', onReady);
    },
  };
  const onReady = () => {
    if (stopped || downSince === undefined) return;
    log(`Redis at ${where} is reachable again after ${Math.round((Date.now() - downSince) / 1000)} s`);
    downSince = undefined;
  };
  connection.on('error', reporter.error);
  connection.on('ready', onReady);
  return reporter;
}

/** Failures to reach the server (system error codes, closed connections), not Redis's own errors. */
function isConnectionError(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  return (
    (typeof code === 'string' && /^E[A-Z]+$/.test(code)) ||
    /Connection is closed|Socket closed|connect E[A-Z]+/.test(e.message)
  );
}
