// `npm run bench -- sam`: sharpness-aware minimization beside explicit gradient regularization and
// plain SGD on one problem (MNIST, n = 1000, MLP 784-100-10, SGD batch 32, a fixed number of
// epochs, 3 seeds): test accuracy, sharpness and R_IG at the end; then the cost of a step of each
// relative to a plain SGD step, timed back to back on one ORT thread, for two MLP sizes.
import { trainingData } from '../src/experiments/common/training-config.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer, type TrainingData, type TrainSettings } from '../src/fit/train/trainer.js';
import { parameterCount } from '../src/models/network.js';
import { probeGradientRegularization } from '../src/probes/gradient-regularization.js';
import { loadMnist } from '../src/sweep/dataset-files.js';

const WIDTH = 100;
const BATCH = 32;
const LR = 0.05;
const EPOCHS = 40;
const SEEDS = [1, 2, 3];
/** Explicit GR at strength s: μ = s·m/4, the λ of plain GD at step s (igr-explicit's convention). */
const STRENGTH = 0.08;
/** SAM's radius (Foret et al. use 0.05 as their default). */
const RHO = 0.05;

interface Method {
  name: string;
  extra: (m: number) => Partial<TrainSettings>;
}

const METHODS: Method[] = [
  { name: 'plain SGD', extra: () => ({}) },
  { name: `explicit GR (s = ${STRENGTH})`, extra: (m) => ({ gradientPenalty: (STRENGTH * m) / 4 }) },
  { name: `SAM (ρ = ${RHO})`, extra: () => ({ sam: RHO }) },
];

function settings(
  extra: Partial<TrainSettings>,
  epochs: number,
  batchSize: number,
  seed: number,
): TrainSettings {
  return {
    loss: 'cross-entropy',
    optimizer: DEFAULT_OPTIMIZER,
    schedule: { name: 'constant' },
    epochs,
    batchSize,
    init: 'he',
    dataSeed: seed,
    evalEvery: epochs,
    dtype: 'float32',
    stepsPerRun: 8,
    engine: { threads: 1 },
    ...extra,
  };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const range = (v: number[], f: (x: number) => string) =>
  `${f(median(v))} [${f(Math.min(...v))}, ${f(Math.max(...v))}]`;

async function outcomes(): Promise<void> {
  const ds = loadMnist();
  console.log(
    `MNIST n = 1000 (test 2000), MLP 784-${WIDTH}-10, SGD lr ${LR}, batch ${BATCH}, ${EPOCHS} epochs, seeds ${SEEDS.join(', ')}; median [min, max]`,
  );
  console.log(
    '  method                  test acc.                train loss                 sharpness            R_IG',
  );
  for (const method of METHODS) {
    const acc: number[] = [];
    const train: number[] = [];
    const sharp: number[] = [];
    const rig: number[] = [];
    for (const seed of SEEDS) {
      const data = trainingData(ds, { nTest: 2000, labelNoise: 0, seed }, 1000);
      const shape = { family: 'mlp' as const, widths: [WIDTH] };
      const m = parameterCount(shape, data.input);
      const trainer = await EnsembleTrainer.create(
        [{ shape, seed, lr: LR }],
        data,
        settings(method.extra(m), EPOCHS, BATCH, seed),
      );
      const [records] = await trainer.train();
      const last = records[records.length - 1];
      const probe = await probeGradientRegularization(trainer, {
        batchSize: BATCH,
        seed,
        sharpnessIterations: 20,
      });
      acc.push(1 - last.testError);
      train.push(last.trainLoss);
      sharp.push(probe.sharpness[0]);
      rig.push(probe.rig[0]);
    }
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    const sci = (x: number) => x.toPrecision(3);
    console.log(
      `  ${method.name.padEnd(22)}  ${range(acc, pct).padEnd(23)}  ${range(train, sci).padEnd(25)}  ${range(sharp, sci).padEnd(19)}  ${range(rig, sci)}`,
    );
  }
}

async function secondsPerStep(
  data: TrainingData,
  width: number,
  batch: number,
  extra: Partial<TrainSettings>,
) {
  const trainer = await EnsembleTrainer.create(
    [{ shape: { family: 'mlp', widths: [width] }, seed: 1, lr: 0.01 }],
    data,
    settings(extra, 1, batch, 1),
  );
  await trainer.runEpoch(0); // warm-up: session creation
  const steps = trainer.stepCount;
  const t = performance.now();
  for (let e = 1; e <= 3; e++) await trainer.runEpoch(e);
  return (performance.now() - t) / 1000 / (trainer.stepCount - steps);
}

async function cost(): Promise<void> {
  const ds = loadMnist();
  const n = 4096;
  const data: TrainingData = {
    xTrain: Float32Array.from(ds.train.x.subarray(0, n * 784)),
    labelsTrain: ds.train.labels.slice(0, n),
    xTest: new Float32Array(784),
    labelsTest: new Uint8Array(1),
    input: { dim: 784, classes: 10 },
  };
  console.log(
    'Cost of a step relative to plain SGD (one ORT thread; the three timed back to back, twice, best of the two;',
  );
  console.log('the machine is shared, so absolute times are inflated, ratios less so)');
  for (const [width, batch] of [
    [100, 32],
    [512, 128],
  ]) {
    const m = 785 * width + (width + 1) * 10;
    const best = METHODS.map(() => Infinity);
    for (let round = 0; round < 2; round++)
      for (const [i, method] of METHODS.entries())
        best[i] = Math.min(best[i], await secondsPerStep(data, width, batch, method.extra(m)));
    const cells = METHODS.map(
      (method, i) => `${method.name} ${(1e3 * best[i]).toFixed(3)} ms (${(best[i] / best[0]).toFixed(2)}×)`,
    );
    console.log(`  MLP 784-${width}-10, batch ${batch}: ${cells.join(', ')}`);
  }
}

export async function benchSam(): Promise<void> {
  await outcomes();
  console.log();
  await cost();
}
