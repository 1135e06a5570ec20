// Wall time of one ResNet18 training step (forward, backward, Adam update, BN running averages) on
// seeded random images, for the benchmark against PyTorch (bench/resnet.ts). The first step builds
// the session and warms ONNX Runtime up; it is not timed.
import { Rng } from '../../engine/random.js';
import type { EngineSettings } from '../../engine/session-cache.js';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from './optimizer.js';
import { ResNetTrainer } from './resnet-trainer.js';

export interface StepTiming {
  /** Seconds per step: the median over the timed steps. */
  median: number;
  /** Every timed step, in order. */
  seconds: number[];
}

/**
 * Times `steps` training steps of the ResNet18 of width k on batches of `batch` random images of
 * shape `image` (channels, height, width) with 10 classes; Adam (lr 1e-4, the paper's) by default.
 */
export async function resnetStepSeconds(
  k: number,
  batch: number,
  image: readonly [number, number, number],
  steps: number,
  options: { engine?: EngineSettings; optimizer?: OptimizerConfig } = {},
): Promise<StepTiming> {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`steps must be a positive integer, got ${steps}`);
  const dim = image[0] * image[1] * image[2];
  const rng = new Rng(1, 1);
  const x = Float32Array.from({ length: batch * dim }, () => rng.uniform());
  const labels = Uint8Array.from({ length: batch }, () => rng.int(10));
  const trainer = await ResNetTrainer.create(
    k,
    1,
    { xTrain: x, labelsTrain: labels, xTest: x, labelsTest: labels, input: { dim, image, classes: 10 } },
    {
      optimizer: options.optimizer ?? { ...DEFAULT_OPTIMIZER, name: 'adam' },
      lr: 1e-4,
      schedule: { name: 'constant' },
      epochs: 1,
      batchSize: batch,
      init: 'pytorch',
      dataSeed: 1,
      evalEvery: 1,
      ...(options.engine ? { engine: options.engine } : {}),
    },
  );
  const all = Int32Array.from({ length: batch }, (_, i) => i);
  await trainer.step(all, 0);
  const seconds: number[] = [];
  for (let s = 0; s < steps; s++) {
    const t = performance.now();
    await trainer.step(all, 0);
    seconds.push((performance.now() - t) / 1000);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, seconds };
}
