// A width preset's parts (RunContext.runParts) run in this process through its runPart, as the
// lane threads run them, with every part's widths recorded for the test to check the split.
import type { Config, Preset, RunContext } from '../src/experiments/preset.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';

export function partsInThisProcess<C extends Config>(
  preset: Preset<C>,
  lanes: number,
): { context: RunContext; partsSeen: number[][] } {
  const partsSeen: number[][] = [];
  const loadDataset = loadDatasetByName;
  const context: RunContext = {
    loadDataset,
    partLanes: lanes,
    runParts: async (name, parts) => {
      if (name !== preset.name) throw new Error(`parts of ${name}, not of ${preset.name}`);
      partsSeen.push(...parts.map((p) => p.widths as number[]));
      return Promise.all(parts.map((p) => preset.runPart?.(preset.resolve(p), { loadDataset })));
    },
  };
  return { context, partsSeen };
}
