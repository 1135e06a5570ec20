// A preset: a named experiment with a default configuration that reproduces one figure. The CLI
// (and later the sweep engine and the web lab) run presets through this one interface.
import type { Dataset } from '../data/dataset.js';

/** A configuration: plain JSON, so it can be printed, edited, hashed and stored. */
export type Config = Record<string, unknown>;

/** One measured row (one model size, one degree, one time step …): the CSV rows of a run. */
export type Row = Record<string, number>;

/** One value of a named series along training (kept in the store's series table). */
export interface SeriesPoint {
  name: string;
  step: number;
  value: number;
}

export interface PresetResult {
  points: Row[];
  /** Per-epoch curves behind the rows (training presets), if any. */
  series?: SeriesPoint[];
  summary: Record<string, unknown>;
  /** The summary as lines for a terminal. */
  summaryLines: string[];
}

export interface RunContext {
  /** Loads a dataset by name ('mnist') or path; provided by the caller (Node or browser). */
  loadDataset(name: string): Dataset;
  onProgress?: (done: number, total: number) => void;
}

export interface Preset<C extends Config = Config> {
  name: string;
  /** One line for `ddlab run --help`. */
  description: string;
  defaults: C;
  /** Keys that identify a result row across seeds (e.g. the model size); the rest are metrics. */
  indexKeys?: string[];
  /**
   * Completes a partial configuration with the defaults and validates it; throws an Error whose
   * message names the field, the bad value and what is allowed.
   */
  resolve(config: Partial<C>): C;
  run(config: C, context: RunContext): Promise<PresetResult>;
  /** Rough peak memory of one run in bytes, so a pool does not run more at once than fit. */
  estimateBytes?(config: C): number;
  /** The summary of rows aggregated over seeds (medians under the plain keys), if the preset has one. */
  summarizeRows?(config: C, rows: Row[]): Pick<PresetResult, 'summary' | 'summaryLines'>;
}
