// Limits of `ddlab run`, refused before any work: the number of trials of a sweep, an --out that
// cannot be written, and a spec name that would put the run directory outside runs/.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asUser, readStore, start, tempDir, writeSpec, type Running } from './sweep-cli-helpers.js';

const TINY = { preset: 'rff', config: { n: 50, nTest: 50, features: [5, 10] }, seeds: 3 };

const started: Running[] = [];
// A run that should have been refused must not outlive its test.
afterEach(() => started.splice(0).forEach((r) => r.child.kill('SIGKILL')));

async function ddlab(args: string[], options = {}) {
  const run = start([...args, '--no-progress'], options);
  started.push(run);
  const { code } = await run.exited;
  return { code, ...run.output() };
}

/** No trial of any sweep has run in the store (or there is no store at all). */
const noTrialRan = (db: string) =>
  readStore(db, (s) => s.sweeps().every((w) => w.counts.done + w.counts.failed === 0)) ?? true;

describe('limits of ddlab run', () => {
  it('refuses a sweep of more than 10 000 trials before storing anything', async () => {
    const dir = tempDir();
    const huge = { ...TINY, axes: { n: { from: 100, to: 10100, count: 101, integer: true } }, seeds: 100 };
    const db = join(dir, 'db');
    const r = await ddlab(['run', writeSpec(dir, huge), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /the sweep has 10100 trials, more than the limit of 10000; give --max-trials 10100 to run it/,
    );
    expect(existsSync(db)).toBe(false);
  });

  it('--max-trials sets the limit', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, TINY);
    const db = join(dir, 'db');
    const refused = await ddlab(['run', spec, '--db', db, '--max-trials', '2', '--out', join(dir, 'o')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the sweep has 3 trials, more than the limit of 2/);
    expect(existsSync(db)).toBe(false);
    const ok = await ddlab(['run', spec, '--db', db, '--max-trials', '3', '--out', join(dir, 'o')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/3 trial\(s\), 3 run now/);
  });

  it('refuses an --out that is a file, before any trial runs', async () => {
    const dir = tempDir();
    const file = join(dir, 'taken');
    writeFileSync(file, 'not a folder');
    const db = join(dir, 'db');
    const r = await ddlab(['run', writeSpec(dir, TINY), '--db', db, '--out', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--out ${file} is a file, not a folder`);
    expect(noTrialRan(db)).toBe(true);
  });

  it('refuses an --out in a read-only folder, before any trial runs', async () => {
    const dir = tempDir();
    const as = asUser();
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const spec = writeSpec(dir, TINY);
    const db = join(dir, 'db');
    for (const out of [readOnly, join(readOnly, 'run')]) {
      const r = await ddlab(['run', spec, '--db', db, '--out', out], as);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`cannot write the run directory --out ${out}: ${readOnly} is not writable`);
      expect(noTrialRan(db)).toBe(true);
    }
  });

  it("keeps the run directory of a spec's name inside runs/", async () => {
    const dir = tempDir();
    const cwd = join(dir, 'work', 'here');
    mkdirSync(cwd, { recursive: true });
    const spec = writeSpec(dir, { ...TINY, name: '../../x' });
    const r = await ddlab(['run', spec, '--db', join(dir, 'db')], { cwd });
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, 'runs', 'x', 'results.json'))).toBe(true);
    expect(existsSync(join(dir, 'work', 'x'))).toBe(false);
  });
});
