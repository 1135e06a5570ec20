// Helpers for tests that drive the compiled `ddlab` CLI as separate processes.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../src/store/store.js';

export const BIN = join(import.meta.dirname, '..', 'bin', 'ddlab.js');

export const tempDir = (prefix = 'ddlab-') => mkdtempSync(join(tmpdir(), prefix));

export function writeSpec(dir: string, spec: object): string {
  const path = join(dir, 'spec.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

export interface Running {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the compiled CLI. `options.env` adds to (or, with undefined values, removes from) this
 * process's environment.
 */
export function start(args: string[], options: SpawnOptions = {}): Running {
  const child = spawn('node', [BIN, ...args], {
    ...options,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const t0 = Date.now();
  while (!(await predicate())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Reads a store file without creating it: undefined while it does not exist yet. */
export function readStore<T>(db: string, read: (store: Store) => T): T | undefined {
  if (!existsSync(db)) return undefined;
  const store = new Store(db, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/**
 * Spawn options that drop root's privileges (to nobody), so that file permissions apply to the
 * child as they do for a user; empty when the tests already run unprivileged. The folder `dir` is
 * opened to that user.
 */
export function asUser(dir: string): SpawnOptions {
  if (process.getuid?.() !== 0) return {};
  chmodSync(dir, 0o777);
  return { uid: 65534, gid: 65534 };
}
