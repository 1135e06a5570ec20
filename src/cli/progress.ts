// Progress bars on stderr (stdout stays clean for the summary); in a non-terminal (CI logs) they
// print a line every few seconds.
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { SweepProgress } from '../sweep/run-sweep.js';

export interface Progress<T> {
  update(state: T): void;
  stop(): void;
}

// cli-progress loads only when a bar is shown (not with --no-progress, nor in tests).
const require = createRequire(import.meta.url);

function bar(format: string, enabled: boolean) {
  if (!enabled) return undefined;
  const cliProgress = require('cli-progress') as typeof CliProgress;
  return new cliProgress.SingleBar(
    { format, stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
}

/** Steps inside one trial. */
export function stepBar(label: string, enabled: boolean): Progress<{ done: number; total: number }> {
  const b = bar(
    `${label} [{bar}] {percentage}% | {value}/{total} steps | {duration_formatted} | ETA {eta_formatted}`,
    enabled,
  );
  let started = false;
  return {
    update({ done, total }) {
      if (!b) return;
      if (!started) b.start(total, 0);
      started = true;
      b.setTotal(total);
      b.update(done);
    },
    stop: () => started && b?.stop(),
  };
}

/** Trials of a sweep: done / failed / running and an ETA. */
export function trialBar(label: string, enabled: boolean): Progress<SweepProgress> {
  const b = bar(
    `${label} [{bar}] {value}/{total} trials | {failed} failed | {running} running | {duration_formatted} | ETA {eta_formatted}`,
    enabled,
  );
  let started = false;
  return {
    update(p) {
      if (!b) return;
      if (!started) b.start(p.total, p.done + p.failed, { failed: p.failed, running: p.running });
      started = true;
      b.update(p.done + p.failed, { failed: p.failed, running: p.running });
    },
    stop: () => started && b?.stop(),
  };
}
