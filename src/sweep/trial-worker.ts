// The worker-thread entry of the local pool (piscina): one trial per task.
import { runTrial, type TrialTask } from './run-trial.js';

export default function (task: TrialTask) {
  return runTrial(task);
}
