// The store: one SQLite file (better-sqlite3, WAL mode) with sweeps, their trials (config, status,
// timings, error text, provenance) and each trial's result rows. A trial's results are written in
// the same transaction as its status, so a crash at any moment leaves either a finished trial with
// all its rows or an unfinished one with none — never half, never twice. A coordinator claims a
// trial before running it and holds it under a lease (lease.ts), so that two coordinators on one
// store never run the same trial at once.
import type Database from 'better-sqlite3';
import type { PresetResult } from '../experiments/preset.js';
import type { Sweep, Trial } from '../experiments/experiment.js';
import { leaseExpired } from './lease.js';
import { openStoreFile } from './store-file.js';

export type TrialStatus = 'pending' | 'running' | 'done' | 'failed';

export interface StoredSweep {
  id: string;
  name: string;
  preset: string;
  spec: unknown;
  created: string;
  provenance: Record<string, unknown>;
}

/** Where a trial's run stands: kept in the trials table under the same names. */
export interface TrialState {
  status: TrialStatus;
  attempts: number;
  error: string | null;
  worker: string | null;
  /** The coordinator that claimed the trial last (lease.ts); null before leases. */
  owner: string | null;
  started: string | null;
  ended: string | null;
  seconds: number | null;
}

export interface StoredTrial extends Trial, TrialState {
  /** The preset's summary of this trial and its terminal lines. */
  summary: { summary: Record<string, unknown>; lines: string[] } | null;
}

export class Store {
  private readonly db: Database.Database;

  /** `readonly`: for reading results; the file must exist and is never changed. */
  constructor(
    readonly path: string,
    options: { readonly?: boolean } = {},
  ) {
    this.db = openStoreFile(path, options.readonly ?? false);
  }

  /** Closes the file; closing twice is harmless. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Registers a sweep and its trials; existing ones are left as they are (that is resuming). */
  registerSweep(sweep: Sweep, provenance: Record<string, unknown>): void {
    const insertSweep = this.db.prepare(
      'INSERT OR IGNORE INTO sweeps (id, name, preset, spec, created, provenance) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertTrial = this.db.prepare(
      `INSERT OR IGNORE INTO trials (sweep_id, trial_id, idx, grid_key, axes, seed, config, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
    );
    this.db.transaction(() => {
      insertSweep.run(
        sweep.id,
        sweep.name,
        sweep.preset,
        JSON.stringify(sweep.spec),
        new Date().toISOString(),
        JSON.stringify(provenance),
      );
      for (const t of sweep.trials) {
        insertTrial.run(
          sweep.id,
          t.id,
          t.index,
          t.gridKey,
          JSON.stringify(t.axes),
          t.seed,
          JSON.stringify(t.config),
        );
      }
    })();
  }

  /** Trials that are not done (failed ones too: a new run retries them), in expansion order. */
  unfinishedTrials(sweepId: string): Trial[] {
    return this.unfinishedRows(sweepId).map(trialOf);
  }

  /**
   * Trials that an owner may claim now, in expansion order: pending ones, running ones whose lease
   * has ended, and failed ones when `retryFailed`.
   */
  claimableTrials(sweepId: string, retryFailed: boolean, now = Date.now()): Trial[] {
    return this.unfinishedRows(sweepId)
      .filter((r) => claimable(r, retryFailed, now))
      .map(trialOf);
  }

  private unfinishedRows(sweepId: string): TrialRow[] {
    return this.db
      .prepare(`SELECT * FROM trials WHERE sweep_id = ? AND status != 'done' ORDER BY idx`)
      .all(sweepId) as TrialRow[];
  }

  /**
   * Claims a trial for `owner` (it is then 'running' under the owner's lease) unless it is done or
   * another owner's lease on it holds. Returns whether the claim succeeded.
   */
  claimTrial(sweepId: string, trialId: string, owner: string, worker: string, now = Date.now()): boolean {
    const read = this.db.prepare('SELECT * FROM trials WHERE sweep_id = ? AND trial_id = ?');
    const claim = this.db.prepare(
      `UPDATE trials SET status = 'running', attempts = attempts + 1, owner = ?, heartbeat = ?, worker = ?,
       started = ?, error = NULL WHERE sweep_id = ? AND trial_id = ?`,
    );
    // IMMEDIATE: the write lock is taken before the read, so no other owner claims in between.
    return this.db
      .transaction(() => {
        const row = read.get(sweepId, trialId) as TrialRow | undefined;
        if (!row || !claimable(row, true, now)) return false;
        claim.run(owner, now, worker, new Date(now).toISOString(), sweepId, trialId);
        return true;
      })
      .immediate();
  }

  /** The owner's heartbeat on all its running trials: its leases go on. */
  renewLeases(owner: string, now = Date.now()): void {
    this.db.prepare(`UPDATE trials SET heartbeat = ? WHERE owner = ? AND status = 'running'`).run(now, owner);
  }

  /** The owner's running trials of the sweep back to pending (an interrupted run). */
  releaseRunning(sweepId: string, owner: string): void {
    this.db
      .prepare(
        `UPDATE trials SET status = 'pending', heartbeat = NULL
         WHERE sweep_id = ? AND owner = ? AND status = 'running'`,
      )
      .run(sweepId, owner);
  }

  /** Running trials of the sweep under other owners' live leases: owner → number of trials. */
  heldElsewhere(sweepId: string, owner: string, now = Date.now()): Map<string, number> {
    const rows = this.db
      .prepare(`SELECT owner, heartbeat FROM trials WHERE sweep_id = ? AND status = 'running'`)
      .all(sweepId) as Pick<TrialRow, 'owner' | 'heartbeat'>[];
    const held = new Map<string, number>();
    for (const r of rows)
      if (r.owner !== owner && !leaseExpired(r.owner, r.heartbeat, now))
        held.set(r.owner!, (held.get(r.owner!) ?? 0) + 1);
    return held;
  }

  /**
   * Stores a finished trial's rows and marks it done, atomically. Returns false (and writes
   * nothing) if the trial was already done: a result delivered twice is counted once.
   */
  completeTrial(
    sweepId: string,
    trialId: string,
    result: PresetResult,
    seconds: number,
    worker: string,
  ): boolean {
    const status = this.db.prepare('SELECT status FROM trials WHERE sweep_id = ? AND trial_id = ?');
    const insertPoint = this.db.prepare(
      'INSERT INTO points (sweep_id, trial_id, idx, row) VALUES (?, ?, ?, ?)',
    );
    const insertSeries = this.db.prepare(
      'INSERT INTO series (sweep_id, trial_id, name, step, value) VALUES (?, ?, ?, ?, ?)',
    );
    const finish = this.db.prepare(
      `UPDATE trials SET status = 'done', error = NULL, ended = ?, seconds = ?, worker = ?, summary = ?
       WHERE sweep_id = ? AND trial_id = ?`,
    );
    return this.db.transaction(() => {
      const row = status.get(sweepId, trialId) as { status: TrialStatus } | undefined;
      if (!row) throw new Error(`store: no trial ${trialId} in sweep ${sweepId}`);
      if (row.status === 'done') return false;
      result.points.forEach((p, i) => insertPoint.run(sweepId, trialId, i, JSON.stringify(p)));
      for (const v of result.series ?? []) insertSeries.run(sweepId, trialId, v.name, v.step, v.value);
      finish.run(
        new Date().toISOString(),
        seconds,
        worker,
        JSON.stringify({ summary: result.summary, lines: result.summaryLines }),
        sweepId,
        trialId,
      );
      return true;
    })();
  }

  /** Records a failure of the owner's run of a trial (not once another owner has taken it over). */
  failTrial(
    sweepId: string,
    trialId: string,
    error: string,
    seconds: number,
    worker: string,
    owner: string,
  ): void {
    this.db
      .prepare(
        `UPDATE trials SET status = 'failed', error = ?, ended = ?, seconds = ?, worker = ?
         WHERE sweep_id = ? AND trial_id = ? AND status = 'running' AND owner = ?`,
      )
      .run(error, new Date().toISOString(), seconds, worker, sweepId, trialId, owner);
  }

  /**
   * SQLite's data_version: changes whenever another connection (another process) commits to the
   * file. Cheap to poll; `ddlab serve` watches the store with it.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  sweeps(): (StoredSweep & { counts: Record<TrialStatus, number> })[] {
    const rows = this.db.prepare('SELECT * FROM sweeps ORDER BY created').all() as SweepRow[];
    return rows.map((r) => ({ ...parseSweep(r), counts: this.statusCounts(r.id) }));
  }

  /** How many trials of the sweep are in each status. */
  statusCounts(sweepId: string): Record<TrialStatus, number> {
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS c FROM trials WHERE sweep_id = ? GROUP BY status')
      .all(sweepId) as { status: TrialStatus; c: number }[];
    const counts: Record<TrialStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
    for (const { status, c } of rows) counts[status] = c;
    return counts;
  }

  /** The sweep with this id, id prefix or name. */
  findSweep(ref: string): StoredSweep {
    const rows = this.db
      .prepare('SELECT * FROM sweeps WHERE id = ? OR name = ? OR id LIKE ? ORDER BY created DESC')
      .all(ref, ref, `${ref}%`) as SweepRow[];
    const exact = rows.filter((r) => r.id === ref || r.name === ref);
    const pick = exact.length ? exact : rows;
    if (pick.length === 0) throw new Error(`no sweep '${ref}' in ${this.path} (see ddlab ls)`);
    if (pick.length > 1 && !exact.length)
      throw new Error(`'${ref}' matches ${pick.length} sweeps; give more of the id`);
    return parseSweep(pick[0]);
  }

  trials(sweepId: string): StoredTrial[] {
    const rows = this.db
      .prepare('SELECT * FROM trials WHERE sweep_id = ? ORDER BY idx')
      .all(sweepId) as TrialRow[];
    return rows.map((r) => ({
      ...trialOf(r),
      status: r.status,
      attempts: r.attempts,
      error: r.error,
      worker: r.worker,
      owner: r.owner ?? null,
      started: r.started,
      ended: r.ended,
      seconds: r.seconds,
      summary: r.summary ? JSON.parse(r.summary) : null,
    }));
  }

  points(sweepId: string, trialId: string): Record<string, number>[] {
    const rows = this.db
      .prepare('SELECT row FROM points WHERE sweep_id = ? AND trial_id = ? ORDER BY idx')
      .all(sweepId, trialId) as { row: string }[];
    return rows.map((r) => JSON.parse(r.row));
  }

  /** A trial's per-epoch series, ordered by name and step. */
  series(sweepId: string, trialId: string): { name: string; step: number; value: number }[] {
    return this.db
      .prepare('SELECT name, step, value FROM series WHERE sweep_id = ? AND trial_id = ? ORDER BY name, step')
      .all(sweepId, trialId) as { name: string; step: number; value: number }[];
  }

  /** Number of point rows per trial (a check that nothing was stored twice). */
  pointCounts(sweepId: string): Map<string, number> {
    const rows = this.db
      .prepare('SELECT trial_id, COUNT(*) AS c FROM points WHERE sweep_id = ? GROUP BY trial_id')
      .all(sweepId) as { trial_id: string; c: number }[];
    return new Map(rows.map((r) => [r.trial_id, r.c]));
  }
}

interface SweepRow {
  id: string;
  name: string;
  preset: string;
  spec: string;
  created: string;
  provenance: string;
}

interface TrialRow extends TrialState {
  heartbeat: number | null;
  trial_id: string;
  idx: number;
  grid_key: string;
  axes: string;
  seed: number;
  config: string;
  summary: string | null;
}

function claimable(r: TrialRow, retryFailed: boolean, now: number): boolean {
  if (r.status === 'running') return leaseExpired(r.owner ?? null, r.heartbeat ?? null, now);
  return r.status === 'pending' || (r.status === 'failed' && retryFailed);
}

function trialOf(r: TrialRow): Trial {
  return {
    id: r.trial_id,
    index: r.idx,
    gridKey: r.grid_key,
    axes: JSON.parse(r.axes),
    seed: r.seed,
    config: JSON.parse(r.config),
  };
}

function parseSweep(r: SweepRow): StoredSweep {
  return { ...r, spec: JSON.parse(r.spec), provenance: JSON.parse(r.provenance) };
}
