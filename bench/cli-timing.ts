// Times a `ddlab` command as a user types it (process start, data loading, store and figure
// included), with a fresh store and run directory that are removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ddlab.js');

/** Wall seconds of `ddlab ARGS --db … --out … --no-progress`. */
export function ddlabCommandSeconds(args: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'ddlab-bench-'));
  try {
    const t = performance.now();
    execFileSync(
      'node',
      [BIN, ...args, '--db', join(dir, 'ddlab.db'), '--out', join(dir, 'run'), '--no-progress'],
      { stdio: 'ignore' },
    );
    return (performance.now() - t) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
