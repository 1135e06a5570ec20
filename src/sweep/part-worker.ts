// The worker-thread entry of runParts (parallel-parts.ts): one part of a preset's run per task, on
// one ONNX Runtime thread, reporting progress through the task's message port.
import type { MessagePort } from 'node:worker_threads';
import { setEngineThreads } from '../engine/session-cache.js';
import { presetNamed } from '../experiments/presets.js';
import { loadDatasetByName } from './dataset-files.js';

setEngineThreads(1);

export interface PartTask {
  preset: string;
  config: Record<string, unknown>;
  progress: MessagePort;
}

export default async function (task: PartTask): Promise<unknown> {
  const preset = presetNamed(task.preset);
  if (!preset.runPart) throw new Error(`preset ${task.preset} has no parts`);
  try {
    return await preset.runPart(preset.resolve(task.config), {
      loadDataset: loadDatasetByName,
      onProgress: (done, total) => task.progress.postMessage({ done, total }),
    });
  } finally {
    task.progress.close();
  }
}
