// A Redis worker's trial process: runs the trials its parent sends, one at a time, loading only
// the data sets the parent allows. Started by redis-trial-pool.ts with its settings as argv[2].
import { setEngineThreads } from '../engine/session-cache.js';
import type { PresetResult } from '../experiments/preset.js';
import { DatasetRefused, guardedLoader } from './redis-dataset-policy.js';
import { runTrial, type TrialTask } from './run-trial.js';

export interface TrialChildSettings {
  threads?: number;
  allowedDatasets: string[];
}

export type TrialChildReply = { result: PresetResult } | { error: string; refused: boolean };

const settings = JSON.parse(process.argv[2]) as TrialChildSettings;
setEngineThreads(settings.threads);
const loadDataset = guardedLoader(settings.allowedDatasets);

process.on('message', (task: TrialTask) => {
  const reply = (r: TrialChildReply) => process.send?.(r);
  runTrial(task, undefined, loadDataset).then(
    (result) => reply({ result }),
    (e: unknown) =>
      reply({ error: e instanceof Error ? e.message : String(e), refused: e instanceof DatasetRefused }),
  );
});
// The worker is gone (killed): nobody wants the result.
process.on('disconnect', () => process.exit(0));
