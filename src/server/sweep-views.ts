// What the JSON API says about sweeps, built from the store with the functions the CLI uses
// (`ddlab ls`, `ddlab show`, the run directory), so the browser and the terminal agree.
import { presetNamed } from '../experiments/presets.js';
import { sweepGrids, sweepReport } from '../report/run-directory.js';
import type { Store, StoredSweep, TrialStatus } from '../store/store.js';

export interface SweepListEntry {
  id: string;
  name: string;
  preset: string;
  created: string;
  counts: Record<TrialStatus, number>;
  total: number;
  /** Ended trials (done or failed) over all trials. */
  progress: number;
}

export function sweepList(store: Store): SweepListEntry[] {
  return store
    .sweeps()
    .reverse() // newest first
    .map((s) => {
      const total = s.counts.done + s.counts.failed + s.counts.pending + s.counts.running;
      return {
        id: s.id,
        name: s.name,
        preset: s.preset,
        created: s.created,
        counts: s.counts,
        total,
        progress: total ? (s.counts.done + s.counts.failed) / total : 0,
      };
    });
}

/** The sweep with exactly this id, or undefined (the API does not guess from prefixes). */
export function sweepById(store: Store, id: string): StoredSweep | undefined {
  const found = store.sweeps().find((s) => s.id === id);
  if (!found) return undefined;
  const { counts: _counts, ...sweep } = found; // as findSweep gives it (ddlab export prints that)
  return sweep;
}

/** A sweep with its status counts (cheap: pages fetch it on every change). */
export function sweepDetail(store: Store, sweep: StoredSweep) {
  return {
    sweep,
    counts: store.statusCounts(sweep.id),
    indexKeys: presetNamed(sweep.preset).indexKeys ?? [],
  };
}

/** The sweep aggregated over seeds per grid point: the numbers of `ddlab show`. */
export function sweepAggregate(store: Store, sweep: StoredSweep) {
  return sweepGrids(store, sweep.id, presetNamed(sweep.preset));
}

/** Trials with their config, status, timings and error; rows are fetched apart (they are many). */
export function sweepTrials(store: Store, sweep: StoredSweep) {
  return store.trials(sweep.id);
}

/** The rows, figures (Vega-Lite specs) and series that `ddlab run` writes to the run directory. */
export function sweepFigures(store: Store, sweep: StoredSweep) {
  return sweepReport(store, sweep, presetNamed(sweep.preset));
}
