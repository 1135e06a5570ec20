// The store file: `ls`, `show` and `export` only read it (a read-only store works, a wrong path is
// an error naming it, and nothing is created); ddlab stamps its stores (application_id, schema
// version), refuses any other SQLite file without touching it, and still opens its older stores.
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { expandSpec } from '../src/sweep/expand.js';
import { validateSpec } from '../src/sweep/spec.js';
import { asUser, start, tempDir, writeSpec } from './sweep-cli-helpers.js';

const TINY = { preset: 'rff', config: { n: 50, nTest: 50, features: [5, 10] }, seeds: 2, name: 'tiny' };
const sweep = expandSpec(validateSpec(TINY, 'spec'));
const DDLB = 0x44444c42;

async function ddlab(args: string[], options = {}) {
  const run = start(args, options);
  const { code } = await run.exited;
  return { code, ...run.output() };
}

/** A store with the tiny sweep, both trials done. */
function storeWithSweep(path: string): void {
  const store = new Store(path);
  store.registerSweep(sweep, {});
  for (const t of sweep.trials) {
    const points = [
      { features: 5, testError: 0.5 },
      { features: 10, testError: 0.25 },
    ];
    store.completeTrial(sweep.id, t.id, { points, summary: {}, summaryLines: [] }, 1, 'test');
  }
  store.close();
}

const READERS = [['ls'], ['show', 'tiny'], ['export', 'tiny', '--json'], ['export', 'tiny', '--csv']];

describe('the store file', () => {
  it('ls, show and export read a read-only store and change nothing', async () => {
    const dir = tempDir();
    const as = asUser();
    const folder = join(dir, 'results');
    mkdirSync(folder);
    const db = join(folder, 'ddlab.db');
    storeWithSweep(db);
    const before = readFileSync(db);
    chmodSync(db, 0o444);
    chmodSync(folder, 0o555);
    for (const args of READERS) {
      const r = await ddlab([...args, '--db', db], as);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/tiny|testError/);
    }
    expect(readdirSync(folder)).toEqual(['ddlab.db']);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('ls, show and export name a store that does not exist, and do not create it', async () => {
    const db = join(tempDir(), 'typo.db');
    for (const args of READERS) {
      const r = await ddlab([...args, '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no store at ${db} (--db); ddlab run creates one`);
      expect(existsSync(db)).toBe(false);
    }
  });

  it("refuses another application's SQLite file and leaves it as it was", async () => {
    const dir = tempDir();
    const db = join(dir, 'notes.sqlite');
    const other = new Database(db);
    other.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')");
    other.close();
    const before = readFileSync(db);
    for (const args of [
      ...READERS,
      ['run', writeSpec(dir, TINY), '--no-progress', '--out', join(dir, 'o')],
    ]) {
      const r = await ddlab([...args, '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${db} is not a ddlab store (it has the tables notes)`);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['notes.sqlite', 'spec.json']);
    // Also one stamped by another application, even with tables of ddlab's names.
    const stamped = join(dir, 'stamped.sqlite');
    const app = new Database(stamped);
    app.exec('CREATE TABLE sweeps (id TEXT)');
    app.pragma('application_id = 1234');
    app.close();
    expect(() => new Store(stamped)).toThrow(`${stamped} is not a ddlab store (SQLite application_id 1234)`);
    expect(() => new Store(stamped, { readonly: true })).toThrow(/is not a ddlab store/);
  });

  it('refuses a store of a newer schema', () => {
    const db = join(tempDir(), 'new.db');
    new Store(db).close();
    const file = new Database(db);
    file.pragma('user_version = 99');
    file.close();
    expect(() => new Store(db)).toThrow(
      `${db} was written by a newer ddlab (store schema 99; this ddlab reads up to 1)`,
    );
  });

  it('stamps its stores, and opens and stamps a store made before stamps existed', async () => {
    const dir = tempDir();
    const fresh = join(dir, 'fresh.db');
    new Store(fresh).close();
    const pragmas = (path: string) => {
      const d = new Database(path, { readonly: true });
      const p = [d.pragma('application_id', { simple: true }), d.pragma('user_version', { simple: true })];
      d.close();
      return p;
    };
    expect(pragmas(fresh)).toEqual([DDLB, 1]);

    const old = join(dir, 'old.db');
    legacyStore(old);
    const ls = await ddlab(['ls', '--db', old]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/tiny\s+rff\s+2\s+0\s+0\s+2/);
    expect(pragmas(old)).toEqual([0, 0]); // ls only reads
    const run = await ddlab([
      'run',
      writeSpec(dir, TINY),
      '--db',
      old,
      '--no-progress',
      '--out',
      join(dir, 'o'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2 trial\(s\), 2 run now, 0 failed/);
    expect(pragmas(old)).toEqual([DDLB, 1]);
  });
});

/** The tiny sweep, not run yet, in a store as ddlab wrote them before stamps (3a3fe40). */
function legacyStore(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, preset TEXT NOT NULL, spec TEXT NOT NULL,
  created TEXT NOT NULL, provenance TEXT NOT NULL
);
CREATE TABLE trials (
  sweep_id TEXT NOT NULL REFERENCES sweeps(id), trial_id TEXT NOT NULL, idx INTEGER NOT NULL,
  grid_key TEXT NOT NULL, axes TEXT NOT NULL, seed INTEGER NOT NULL, config TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, error TEXT, worker TEXT, started TEXT, ended TEXT,
  seconds REAL, summary TEXT,
  PRIMARY KEY (sweep_id, trial_id)
);
CREATE TABLE points (
  sweep_id TEXT NOT NULL, trial_id TEXT NOT NULL, idx INTEGER NOT NULL, row TEXT NOT NULL,
  PRIMARY KEY (sweep_id, trial_id, idx)
);
CREATE TABLE series (
  sweep_id TEXT NOT NULL, trial_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (sweep_id, trial_id, name, step)
);`);
  db.prepare('INSERT INTO sweeps VALUES (?, ?, ?, ?, ?, ?)').run(
    sweep.id,
    sweep.name,
    sweep.preset,
    JSON.stringify(sweep.spec),
    '2025-01-01T00:00:00.000Z',
    '{}',
  );
  const trial = db.prepare(
    `INSERT INTO trials (sweep_id, trial_id, idx, grid_key, axes, seed, config, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
  );
  for (const t of sweep.trials)
    trial.run(sweep.id, t.id, t.index, t.gridKey, JSON.stringify(t.axes), t.seed, JSON.stringify(t.config));
  db.close();
}
