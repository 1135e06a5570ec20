// Starts a sweep for the browser: `ddlab run SPEC` in a child process, on the local pool or on
// Redis when serve has --redis. A child, not this process: trials are heavy (ONNX Runtime threads,
// memory) and the server must keep answering; and the child writes the store as any other
// `ddlab run` would, so the lab sees it through the same watch as a run started in a terminal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Experiment } from '../experiments/experiment.js';

export interface LauncherOptions {
  /** The CLI script (bin/ddlab.js). */
  cli: string;
  db: string;
  redis?: string;
  /** Lines of the children's output, for the server's log. */
  log?: (line: string) => void;
}

export interface Launcher {
  start(spec: Experiment, sweepId: string): void;
  /** Interrupts running children (they finish their running trials, as after Ctrl-C). */
  close(): Promise<void>;
}

export function sweepLauncher(o: LauncherOptions): Launcher {
  const children = new Set<ChildProcess>();
  return {
    start(spec, sweepId) {
      // The spec and the run directory go to a folder of their own, never into the server's cwd.
      const dir = mkdtempSync(join(tmpdir(), 'ddlab-serve-'));
      const specFile = join(dir, 'spec.json');
      writeFileSync(specFile, JSON.stringify(spec));
      const args = [o.cli, 'run', specFile, '--db', o.db, '--out', join(dir, 'run'), '--no-progress'];
      if (o.redis) args.push('--redis', o.redis);
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      const log = (chunk: Buffer) =>
        chunk
          .toString()
          .split('\n')
          .filter((l) => l.trim())
          .forEach((l) => o.log?.(`[sweep ${sweepId}] ${l}`));
      child.stdout?.on('data', log);
      child.stderr?.on('data', log);
      child.on('exit', () => children.delete(child));
    },
    async close() {
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((resolve) => {
              c.once('exit', () => resolve());
              c.kill('SIGINT');
            }),
        ),
      );
    },
  };
}
