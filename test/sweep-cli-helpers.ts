// Helpers for tests that drive the compiled `ddlab` CLI as separate processes.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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
 * process's environment; `unprivileged` (see asUser) makes file permissions apply to it.
 */
export function start(args: string[], options: SpawnOptions & { unprivileged?: boolean } = {}): Running {
  const { unprivileged, ...spawnOptions } = options;
  const argv = ['node', BIN, ...args];
  const [command, ...rest] = unprivileged && isRoot() ? ['setpriv', ...WITHOUT_ROOT_OVERRIDE, ...argv] : argv;
  const child = spawn(command, rest, {
    ...spawnOptions,
    env: { ...process.env, ...spawnOptions.env },
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

/**
 * `ddlab run` of a spec into store `db` (run directory `dir/out`, no progress bar) on `workers`
 * workers; throws with its stderr unless it exits 0, else returns its stdout.
 */
export async function runSpec(
  dir: string,
  spec: object,
  db: string,
  workers: string,
  extra: string[] = [],
): Promise<string> {
  const args = ['run', writeSpec(dir, spec), '--db', db, '--out', join(dir, 'out'), '--no-progress'];
  const child = start([...args, '--workers', workers, ...extra]);
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`ddlab run exited with ${code}: ${child.output().stderr}`);
  return child.output().stdout;
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

/**
 * Reads a store file without creating it: undefined while it does not exist yet, or exists but the
 * process creating it has not written its schema (a read-only open refuses an empty file).
 */
export function readStore<T>(db: string, read: (store: Store) => T): T | undefined {
  if (!existsSync(db)) return undefined;
  let store: Store;
  try {
    store = new Store(db, { readonly: true });
  } catch (e) {
    if (e instanceof Error && e.message.endsWith('is not a ddlab store (it is empty)')) return undefined;
    throw e;
  }
  try {
    return read(store);
  } finally {
    store.close();
  }
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Root without the capabilities that let it ignore file permissions: its files' mode bits then
 * apply to it as to any user (a 444 file is read-only, a 555 folder takes no new file). Unlike
 * switching to another user, the child still reads the checkout, wherever CI put it and however
 * closed its folders are. (setpriv is util-linux's; dropping the capabilities from the bounding
 * set removes them from the root process that setpriv executes.)
 */
const WITHOUT_ROOT_OVERRIDE = ['--bounding-set=-dac_override,-dac_read_search', '--'];

/** Spawn options under which file permissions apply to the child as they do for a user. */
export function asUser(): { unprivileged: true } {
  return { unprivileged: true };
}
