// A trial as a Redis job. The queue name and the job id carry the code version as well as the trial
// id: finished jobs stay in Redis for a week, and a result computed by other code (or forged under
// an old id) must never be taken for this code's. Coordinators and workers of one version share a
// queue; workers of another version never see its jobs.
import type { Config, PresetResult } from '../experiments/preset.js';
import type { Trial } from '../experiments/experiment.js';

export function trialQueueName(version: string): string {
  return `ddlab-trials-${version}`;
}

export function jobIdOf(trial: Pick<Trial, 'id'>, version: string): string {
  return `trial-${trial.id}-${version}`;
}

/** What a job asks for; `mac` authenticates it when the coordinator has a secret. */
export interface TrialJob {
  trialId: string;
  preset: string;
  config: Config;
  mac?: string;
}

/** What a worker returns; `mac` authenticates the result when the worker has a secret. */
export interface TrialReply {
  result: PresetResult;
  mac?: string;
}
