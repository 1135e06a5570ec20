// Merged trials: a sweep's trials that share their data, batch order and training procedure — a
// learning-rate axis, a widths axis, or the seeds of a network preset whose `dataSeed` is fixed —
// run as one ensemble (the preset's `merge`), and the result is split back into trials, so the
// store sees the same trials, ids and rows as when each runs alone. Which trials merge is the
// preset's call (its `merge.shared` fields); grouping is deterministic: groups in order of their
// first trial, trials in the order given (expansion order).
import type { Trial } from '../experiments/experiment.js';
import { presetNamed } from '../experiments/presets.js';
import { canonicalJson } from './expand.js';

/** The trials in groups that may run as one (groups of one where the preset cannot merge them). */
export function mergeGroups(presetName: string, trials: Trial[]): Trial[][] {
  const preset = presetNamed(presetName);
  const merge = preset.merge;
  if (!merge) return trials.map((t) => [t]);
  const byKey = new Map<string, Trial[]>();
  const groups: Trial[][] = [];
  for (const trial of trials) {
    const shared = merge.shared(preset.resolve(trial.config));
    if (shared === undefined) {
      groups.push([trial]);
      continue;
    }
    const key = canonicalJson(shared);
    const group = byKey.get(key);
    if (group) group.push(trial);
    else {
      const fresh = [trial];
      byKey.set(key, fresh);
      groups.push(fresh);
    }
  }
  return groups;
}

/**
 * The groups cut so that a pool of `workers` has work for every worker: while there are fewer
 * groups than workers, the largest group is halved (its first half keeps the larger share). Two
 * half-merged runs side by side beat one merged run on one worker and one idle worker.
 */
export function groupsForWorkers(groups: Trial[][], workers: number): Trial[][] {
  const out = groups.map((g) => [...g]);
  while (out.length < workers) {
    let largest = 0;
    out.forEach((g, i) => {
      if (g.length > out[largest].length) largest = i;
    });
    const g = out[largest];
    if (g.length < 2) break;
    const half = Math.ceil(g.length / 2);
    out.splice(largest, 1, g.slice(0, half), g.slice(half));
  }
  return out;
}

/** What a local pool of `workers` (0: this process) runs: groups of merged trials, or single trials. */
export function localTasks(presetName: string, trials: Trial[], workers: number, merge: boolean): Trial[][] {
  if (!merge) return trials.map((t) => [t]);
  const groups = mergeGroups(presetName, trials);
  return workers > 1 ? groupsForWorkers(groups, workers) : groups;
}
