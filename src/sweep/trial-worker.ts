// The worker-thread entry of the local pool (piscina): one trial per task, or a group of merged trials. With several workers,
// each gives its ONNX Runtime sessions its share of the cores (workerData.threads).
import { workerData } from 'node:worker_threads';
import { setEngineThreads } from '../engine/session-cache.js';
import { runMergedTrials, runTrial, type MergedTrialsTask, type TrialTask } from './run-trial.js';

setEngineThreads((workerData as { threads?: number } | undefined)?.threads);

export default function (task: TrialTask | MergedTrialsTask) {
  return 'configs' in task ? runMergedTrials(task) : runTrial(task);
}
