// Opening a store file. ddlab stamps its stores with SQLite's application_id ('DDLB') and the
// schema version (user_version), and checks both before it changes anything: another
// application's database must get neither ddlab's tables nor WAL mode. Stores made before the stamp
// (application_id 0, ddlab's tables only) are recognised by their tables and stamped when opened
// for writing. Read-only opening never creates, migrates or stamps a file.
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';

/** 'DDLB' in ASCII. */
export const APPLICATION_ID = 0x44444c42;
/** 1: trials carry a lease (owner, heartbeat). Stores before the stamp count as 0. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sweeps (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, preset TEXT NOT NULL, spec TEXT NOT NULL,
  created TEXT NOT NULL, provenance TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
  sweep_id TEXT NOT NULL REFERENCES sweeps(id), trial_id TEXT NOT NULL, idx INTEGER NOT NULL,
  grid_key TEXT NOT NULL, axes TEXT NOT NULL, seed INTEGER NOT NULL, config TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, error TEXT, worker TEXT, started TEXT, ended TEXT,
  seconds REAL, summary TEXT, owner TEXT, heartbeat INTEGER,
  PRIMARY KEY (sweep_id, trial_id)
);
CREATE TABLE IF NOT EXISTS points (
  sweep_id TEXT NOT NULL, trial_id TEXT NOT NULL, idx INTEGER NOT NULL, row TEXT NOT NULL,
  PRIMARY KEY (sweep_id, trial_id, idx)
);
CREATE TABLE IF NOT EXISTS series (
  sweep_id TEXT NOT NULL, trial_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (sweep_id, trial_id, name, step)
);
`;
const TABLES = ['sweeps', 'trials', 'points', 'series'];

/** Opens (for writing: creates or upgrades) the ddlab store at `path`, or throws saying why not. */
export function openStoreFile(path: string, readonly: boolean): Database.Database {
  if (readonly && !existsSync(path)) throw new Error(`no store at ${path} (--db); ddlab run creates one`);
  try {
    return checked(new Database(path, { readonly, fileMustExist: readonly }), path, readonly);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // A WAL-mode file in a read-only folder: SQLite cannot create the -shm file that its readers
    // share. No -wal file means no writer and nothing beyond the main file: read a copy of it.
    if (readonly && code === 'SQLITE_READONLY_DIRECTORY' && !existsSync(`${path}-wal`))
      return checked(new Database(rollbackModeCopy(path), { readonly: true }), path, true);
    const message = (e as Error).message;
    if (message.startsWith(path)) throw e; // from checkStore: says what is wrong with the file
    // SQLite's own words for a file that is not a database at all.
    if (/file is not a database/.test(message)) throw new Error(`${path} is not a ddlab store (${message})`);
    throw new Error(`cannot open the store ${path}: ${message}`);
  }
}

/** Checks the store in `db` (and upgrades it when writable); closes it on failure. */
function checked(db: Database.Database, path: string, readonly: boolean): Database.Database {
  try {
    db.pragma('busy_timeout = 10000');
    // Check and upgrade in one write transaction, so that two processes creating one store agree.
    const check = () => checkStore(db, path, readonly);
    if (readonly) check();
    else db.transaction(check).immediate();
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The file's bytes, marked as rollback mode: SQLite reads a WAL-mode image only as that. */
function rollbackModeCopy(path: string): Buffer {
  const bytes = readFileSync(path);
  bytes[18] = bytes[19] = 1; // the file format's write and read versions: 1 legacy, 2 WAL
  return bytes;
}

function checkStore(db: Database.Database, path: string, readonly: boolean): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (applicationId === APPLICATION_ID) {
    if (version > SCHEMA_VERSION)
      throw new Error(
        `${path} was written by a newer ddlab (store schema ${version}; this ddlab reads up to ${SCHEMA_VERSION})`,
      );
  } else if (applicationId !== 0) {
    throw new Error(`${path} is not a ddlab store (SQLite application_id ${applicationId})`);
  } else {
    const tables = (
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const ddlabsOwn = tables.includes('sweeps') && tables.every((t) => TABLES.includes(t));
    if (tables.length > 0 && !ddlabsOwn)
      throw new Error(`${path} is not a ddlab store (it has the tables ${tables.join(', ')})`);
    if (tables.length === 0 && readonly) throw new Error(`${path} is not a ddlab store (it is empty)`);
  }
  if (!readonly && (applicationId !== APPLICATION_ID || version < SCHEMA_VERSION)) upgrade(db);
}

/** Creates the tables, or brings an older store's up to date, and stamps the file. */
function upgrade(db: Database.Database): void {
  db.exec(SCHEMA);
  const columns = (db.pragma('table_info(trials)') as { name: string }[]).map((c) => c.name);
  if (!columns.includes('owner')) db.exec('ALTER TABLE trials ADD COLUMN owner TEXT');
  if (!columns.includes('heartbeat')) db.exec('ALTER TABLE trials ADD COLUMN heartbeat INTEGER');
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
