// What runs trials: the local pool (worker threads, or this process) or Redis workers. The
// orchestrator hands an executor the unfinished trials and is called back as they start and end;
// it alone writes to the store, and it decides whether a trial may start (another coordinator on the
// same store may own it).
import type { PresetResult } from '../experiments/preset.js';
import type { Trial } from '../experiments/experiment.js';

export interface TrialEvents {
  /** A trial starts. False: another coordinator owns it, so an executor that can should skip it. */
  started(trial: Trial, worker: string): boolean;
  finished(trial: Trial, result: PresetResult, seconds: number, worker: string): void;
  failed(trial: Trial, error: string, seconds: number, worker: string): void;
}

export interface Executor {
  /** Runs every trial (or stops early when `signal` aborts); resolves when none is running. */
  run(preset: string, trials: Trial[], events: TrialEvents, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
