// Runs one trial in this process: the preset's run on the trial's config, with datasets loaded
// (and memoised) here. Shared by the in-process executor, the worker threads and Redis workers
// (whose loader refuses data sets outside an allow-list).
import type { Config, PresetResult, RunContext } from '../experiments/preset.js';
import { presetNamed } from '../experiments/presets.js';
import { loadDatasetByName } from './dataset-files.js';
import { namingSizes } from './trial-memory.js';

export interface TrialTask {
  preset: string;
  config: Config;
}

export async function runTrial(
  task: TrialTask,
  onProgress?: (done: number, total: number) => void,
  loadDataset: RunContext['loadDataset'] = loadDatasetByName,
  /**
   * Worker threads for the preset's parts (runPartsOnThreads) and its feature rows
   * (featureLanesOnThreads), when the trial has the cores to itself.
   */
  parts?: Pick<RunContext, 'runParts' | 'partLanes' | 'featureLanes'>,
): Promise<PresetResult> {
  const preset = presetNamed(task.preset);
  const config = preset.resolve(task.config);
  const result = await namingSizes(preset, config, () =>
    preset.run(config, { loadDataset, onProgress, ...parts }),
  );
  checkFinite(result);
  return result;
}

/** Trials of one preset that merge (merge-trials.ts): their configs, run as one. */
export interface MergedTrialsTask {
  preset: string;
  configs: Config[];
}

/** Runs merged trials as one (the preset's `merge.run`): each config's result, as its own run gives it. */
export async function runMergedTrials(
  task: MergedTrialsTask,
  onProgress?: (done: number, total: number) => void,
  loadDataset: RunContext['loadDataset'] = loadDatasetByName,
): Promise<PresetResult[]> {
  const preset = presetNamed(task.preset);
  if (!preset.merge) throw new Error(`${preset.name} does not merge trials`);
  const configs = task.configs.map((c) => preset.resolve(c));
  const results = await namingSizes(preset, configs[0], () =>
    preset.merge!.run(configs, { loadDataset, onProgress }),
  );
  if (results.length !== configs.length)
    throw new Error(
      `${preset.name}: a merged run gave ${results.length} results for ${configs.length} trials`,
    );
  results.forEach(checkFinite);
  return results;
}

/** A diverged run must be recorded as failed, never stored as numbers. */
function checkFinite(result: PresetResult): void {
  result.points.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`row ${i}: ${k} is ${v} (diverged)`);
    }
  });
}
