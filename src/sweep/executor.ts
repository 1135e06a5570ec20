// What runs trials: the local pool (worker threads, or this process) or Redis workers. The
// orchestrator hands an executor the unfinished trials and is called back as they start and end;
// it alone writes to the store.
import type { PresetResult } from '../experiments/preset.js';
import type { Trial } from '../experiments/experiment.js';

export interface TrialEvents {
  started(trial: Trial, worker: string): void;
  finished(trial: Trial, result: PresetResult, seconds: number, worker: string): void;
  failed(trial: Trial, error: string, seconds: number, worker: string): void;
}

export interface Executor {
  /** Runs every trial (or stops early when `signal` aborts); resolves when none is running. */
  run(preset: string, trials: Trial[], events: TrialEvents, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
