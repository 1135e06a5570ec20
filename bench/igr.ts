// The cost of a training step with explicit gradient regularization (three forward/backward passes
// in one graph: at θ and at θ ± εg) relative to a plain SGD step, for two MLP sizes.
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer, type TrainingData } from '../src/fit/train/trainer.js';
import { loadMnist } from '../src/sweep/dataset-files.js';

async function secondsPerStep(
  data: TrainingData,
  width: number,
  batch: number,
  penalty: number,
): Promise<number> {
  const trainer = await EnsembleTrainer.create(
    [{ shape: { family: 'mlp', widths: [width] }, seed: 1, lr: 0.01 }],
    data,
    {
      loss: 'cross-entropy',
      optimizer: DEFAULT_OPTIMIZER,
      schedule: { name: 'constant' },
      epochs: 1,
      batchSize: batch,
      init: 'he',
      dataSeed: 1,
      evalEvery: 1,
      dtype: 'float32',
      stepsPerRun: 8,
      gradientPenalty: penalty,
    },
  );
  await trainer.runEpoch(0); // warm-up: session creation
  const steps = trainer.stepCount;
  const t = performance.now();
  for (let e = 1; e <= 3; e++) await trainer.runEpoch(e);
  return (performance.now() - t) / 1000 / (trainer.stepCount - steps);
}

export async function benchIgr(): Promise<void> {
  const ds = loadMnist();
  const n = 4096;
  const data: TrainingData = {
    xTrain: Float32Array.from(ds.train.x.subarray(0, n * 784)),
    labelsTrain: ds.train.labels.slice(0, n),
    xTest: new Float32Array(784),
    labelsTest: new Uint8Array(1),
    input: { dim: 784, classes: 10 },
  };
  console.log('Explicit gradient regularization: cost of a step relative to plain SGD');
  for (const [width, batch] of [
    [100, 32],
    [512, 128],
  ]) {
    const plain = await secondsPerStep(data, width, batch, 0);
    const explicit = await secondsPerStep(data, width, batch, 1);
    console.log(
      `  MLP 784-${width}-10, batch ${batch}: plain ${(1e3 * plain).toFixed(3)} ms, explicit GR ${(1e3 * explicit).toFixed(3)} ms, ratio ${(explicit / plain).toFixed(2)}`,
    );
  }
}
