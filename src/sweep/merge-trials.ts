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
