// `npm run bench -- mnist1d`: does ddlab's MNIST-1D generator match the published data set's
// statistics? Trains the reference models of the MNIST-1D README on generated data (defaults: 5000
// samples, 4000 train / 1000 test) and prints their test accuracy next to the published one
// (Greydanus 2020: logistic regression 32%, MLP 68%, CNN 94%; the repository's quickstart gets
// 31.5%, 64.6% and 92.3% at 6000 steps). Every model: Adam lr 1e-2, batch 100, cross-entropy, 8000
// steps (200 epochs), accuracy read at 6000 and 8000 steps; 3 seeds, each with its own generator
// seed (42, 43, 44) and initialisation, so the spread covers both.
//
//   MLP       ddlab's training engine (EnsembleTrainer, MLP family, f32): 40-100-100-10 ReLU, He
//             init. The reference MLP is 40-100-100-10 with a residual second layer (h + relu(Wh))
//             and PyTorch's default init; same parameter count (15 210), not the same function
//             class — an approximation.
//   logistic  softmax regression on the raw 40 inputs (410 parameters). The engine's families need
//             at least one hidden layer (ensemblePlan rejects depth 0), so it is trained here by a
//             plain TypeScript Adam loop with the same settings (O(batch·40·10) per step). For
//             comparison the engine's closed-form route is printed too: least squares on one-hot
//             targets (fitFeatureCurve on the coordinates plus a constant) — a different loss, so a
//             different accuracy, not the logistic one.
//   CNN       ddlab's training engine, cnn1d family at width 25 (f32): Greydanus's ConvBase, three
//             Conv1d layers of 25 channels (kernels 5, 3, 3; stride 2; padding 1; 40 → 19 → 10 → 5)
//             with ReLU and a linear head on the flattened 25 × 5 maps, 5 210 parameters as in the
//             reference. Init 'pytorch' (U(±1/√fan_in), the reference's weight init); the reference
//             also draws its biases from that range, ddlab starts them at 0. The reference steps
//             through the training set in order; ddlab shuffles every epoch.
//
// The tolerance (printed): the accuracy of one model on 1000 test points has a binomial standard
// error of about 1.5 points, the seeds below spread by a few points, and the reference code itself
// gives 64.6% for the MLP in its quickstart against 68% in its README (92.3% against 94% for the
// CNN); a generated data set "matches the statistics" when the mean over seeds is within 5 points
// of the reference. For the CNN the error rate is ~6%, so its binomial standard error is smaller
// (≤ 0.8 points); 5 points is still the gap the reference's own two numbers leave room for (1.7)
// plus a few seed spreads, and a generator with the wrong statistics (e.g. no shear, no correlated
// noise, other templates) moves these accuracies by far more.
import { mnist1d } from '../src/data/mnist1d.js';
import type { Dataset } from '../src/data/dataset.js';
import { matrix } from '../src/engine/matrix.js';
import { Rng, Streams } from '../src/engine/random.js';
import { fitFeatureCurve } from '../src/fit/feature-curve.js';
import type { InitScheme } from '../src/fit/train/initialize.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer } from '../src/fit/train/trainer.js';
import { coordinateFeatures } from '../src/models/coordinate-features.js';
import { networkShape, parameterCount, type NetworkShape } from '../src/models/network.js';
import { oneHot } from '../src/data/transforms.js';
import { stats } from '../src/experiments/common/statistics.js';

const SEEDS = [42, 43, 44];
const BATCH = 100;
const LR = 1e-2;
const STEPS = 8000;
const READ_AT = [6000, 8000];
const TOLERANCE = 5; // percentage points

const REFERENCE = { logistic: 32, mlp: 68, cnn: 94 };
const QUICKSTART = { logistic: 31.5, mlp: 64.6, cnn: 92.3 };

/** The reference MLP's shape (40-100-100-10) and the reference CNN (cnn1d at 25 channels). */
const MLP: NetworkShape = { family: 'mlp', widths: [100, 100] };
const CNN: NetworkShape = networkShape('cnn1d', 1, 25);

/** Test accuracy (%) of a network trained by the engine after each of READ_AT steps. */
async function engineNetwork(
  ds: Dataset,
  seed: number,
  shape: NetworkShape,
  init: InitScheme,
): Promise<number[]> {
  const epochsPerRead = READ_AT.map((s) => (s * BATCH) / ds.train.count);
  if (!epochsPerRead.every(Number.isInteger)) throw new Error('READ_AT must be whole epochs');
  const trainer = await EnsembleTrainer.create(
    [{ shape, seed, lr: LR }],
    {
      xTrain: Float32Array.from(ds.train.x),
      labelsTrain: ds.train.labels,
      xTest: Float32Array.from(ds.test.x),
      labelsTest: ds.test.labels,
      input: { dim: ds.dim, classes: ds.classes, image: ds.shape },
    },
    {
      loss: 'cross-entropy',
      optimizer: { ...DEFAULT_OPTIMIZER, name: 'adam' },
      schedule: { name: 'constant' },
      epochs: epochsPerRead[epochsPerRead.length - 1],
      batchSize: BATCH,
      init,
      dataSeed: seed,
      evalEvery: epochsPerRead.reduce(gcd),
      dtype: 'float32',
      stepsPerRun: 8,
    },
  );
  const [records] = await trainer.train();
  return epochsPerRead.map((e) => {
    const r = records.find((x) => x.epoch === e);
    if (!r) throw new Error(`no evaluation at epoch ${e}`);
    return 100 * (1 - r.testError);
  });
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Softmax regression (W: 40×10, b: 10) by minibatch Adam in PyTorch's conventions, PyTorch's
 * Linear init U(±1/√40); test accuracy (%) after each of READ_AT steps.
 */
function softmaxRegression(ds: Dataset, seed: number): number[] {
  const d = ds.dim;
  const k = ds.classes;
  const p = (d + 1) * k; // weights then biases
  const theta = new Float64Array(p);
  const init = new Rng(seed, Streams.init);
  const bound = 1 / Math.sqrt(d);
  for (let j = 0; j < p; j++) theta[j] = (2 * init.uniform() - 1) * bound;
  const m = new Float64Array(p);
  const v = new Float64Array(p);
  const grad = new Float64Array(p);
  const logits = new Float64Array(k);
  const order = new Rng(seed, Streams.batchOrder);
  const n = ds.train.count;
  let perm = order.permutation(n);
  let cursor = 0;
  const out: number[] = [];
  for (let t = 1; t <= STEPS; t++) {
    grad.fill(0);
    for (let b = 0; b < BATCH; b++) {
      if (cursor === n) {
        perm = order.permutation(n);
        cursor = 0;
      }
      const i = perm[cursor++];
      const x = ds.train.x.subarray(i * d, (i + 1) * d);
      forward(theta, x, d, k, logits);
      logits[ds.train.labels[i]] -= 1; // softmax − one-hot
      for (let c = 0; c < k; c++) {
        const g = logits[c] / BATCH;
        for (let a = 0; a < d; a++) grad[a * k + c] += g * x[a];
        grad[d * k + c] += g;
      }
    }
    const bc1 = 1 - 0.9 ** t;
    const bc2 = 1 - 0.999 ** t;
    for (let j = 0; j < p; j++) {
      m[j] = 0.9 * m[j] + 0.1 * grad[j];
      v[j] = 0.999 * v[j] + 0.001 * grad[j] * grad[j];
      theta[j] -= (LR / bc1) * (m[j] / (Math.sqrt(v[j]) / Math.sqrt(bc2) + 1e-8));
    }
    if (READ_AT.includes(t)) {
      let correct = 0;
      for (let i = 0; i < ds.test.count; i++) {
        forward(theta, ds.test.x.subarray(i * d, (i + 1) * d), d, k, logits);
        if (argmax(logits) === ds.test.labels[i]) correct++;
      }
      out.push((100 * correct) / ds.test.count);
    }
  }
  return out;
}

/** Softmax probabilities of xᵀW + b into `out`. */
function forward(theta: Float64Array, x: Float64Array, d: number, k: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) {
    let s = theta[d * k + c];
    for (let a = 0; a < d; a++) s += x[a] * theta[a * k + c];
    out[c] = s;
  }
  const top = Math.max(...out);
  let z = 0;
  for (let c = 0; c < k; c++) z += out[c] = Math.exp(out[c] - top);
  for (let c = 0; c < k; c++) out[c] /= z;
}

function argmax(v: Float64Array): number {
  let best = 0;
  for (let c = 1; c < v.length; c++) if (v[c] > v[best]) best = c;
  return best;
}

/** Least squares on one-hot targets with an intercept, by ddlab's solver; test accuracy (%). */
async function leastSquares(ds: Dataset): Promise<number> {
  const withOne = (x: Float64Array, count: number) => {
    const out = matrix(count, ds.dim + 1);
    for (let i = 0; i < count; i++) {
      out.data.set(x.subarray(i * ds.dim, (i + 1) * ds.dim), i * (ds.dim + 1));
      out.data[i * (ds.dim + 1) + ds.dim] = 1;
    }
    return out;
  };
  const xTest = withOne(ds.test.x, ds.test.count);
  for await (const fit of fitFeatureCurve({
    featureMap: coordinateFeatures(ds.dim + 1),
    xTrain: withOne(ds.train.x, ds.train.count),
    xTest,
    yTrain: matrix(ds.train.count, ds.classes, oneHot(ds.train.labels, ds.classes)),
    features: [ds.dim + 1],
    ridge: 0,
  })) {
    let correct = 0;
    const pred = fit.testPrediction.data;
    for (let i = 0; i < ds.test.count; i++) {
      if (argmax(pred.subarray(i * ds.classes, (i + 1) * ds.classes)) === ds.test.labels[i]) correct++;
    }
    return (100 * correct) / ds.test.count;
  }
  throw new Error('the solver returned no fit');
}

const f1 = (x: number) => x.toFixed(1);

export async function benchMnist1dReference(): Promise<void> {
  const t0 = performance.now();
  const seconds = { logistic: 0, mlp: 0, cnn: 0 };
  const timed = async <T>(key: keyof typeof seconds, f: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await f();
    seconds[key] += (performance.now() - t) / 1000;
    return out;
  };
  const rows: { seed: number; logistic: number[]; mlp: number[]; cnn: number[]; lsq: number }[] = [];
  for (const seed of SEEDS) {
    const ds = mnist1d({ seed });
    rows.push({
      seed,
      logistic: await timed('logistic', () => softmaxRegression(ds, seed)),
      mlp: await timed('mlp', () => engineNetwork(ds, seed, MLP, 'he')),
      cnn: await timed('cnn', () => engineNetwork(ds, seed, CNN, 'pytorch')),
      lsq: await leastSquares(ds),
    });
  }
  console.log(
    `MNIST-1D reference accuracies: generated data (5000 samples, 4000 train / 1000 test), generator seeds ${SEEDS.join(', ')}`,
  );
  console.log('Adam lr 1e-2, batch 100, cross-entropy; test accuracy % at 6000 / 8000 steps');
  console.log('');
  const header = [
    'model',
    ...SEEDS.map((s) => `seed ${s}`),
    'mean',
    'sd',
    'reference',
    'quickstart',
    'within ±5',
  ];
  const table: string[][] = [header];
  const verdicts: boolean[] = [];
  const line = (name: string, values: number[], ref?: number, quick?: number) => {
    const s = stats(values);
    const ok = ref === undefined ? undefined : Math.abs(s.mean - ref) <= TOLERANCE;
    if (ok !== undefined) verdicts.push(ok);
    table.push([
      name,
      ...values.map(f1),
      f1(s.mean),
      f1(s.std),
      ref === undefined ? '–' : String(ref),
      quick === undefined ? '–' : String(quick),
      ok === undefined ? '–' : ok ? 'yes' : 'NO',
    ]);
  };
  READ_AT.forEach((steps, r) => {
    line(
      `logistic (softmax, TS loop), ${steps} steps`,
      rows.map((x) => x.logistic[r]),
      REFERENCE.logistic,
      steps === 6000 ? QUICKSTART.logistic : undefined,
    );
  });
  READ_AT.forEach((steps, r) => {
    line(
      `MLP 40-100-100-10 (engine), ${steps} steps`,
      rows.map((x) => x.mlp[r]),
      REFERENCE.mlp,
      steps === 6000 ? QUICKSTART.mlp : undefined,
    );
  });
  const cnnParameters = parameterCount(CNN, { dim: 40, classes: 10 });
  READ_AT.forEach((steps, r) => {
    line(
      `CNN cnn1d k=25, ${cnnParameters} params (engine), ${steps} steps`,
      rows.map((x) => x.cnn[r]),
      REFERENCE.cnn,
      steps === 6000 ? QUICKSTART.cnn : undefined,
    );
  });
  line(
    'least squares on one-hot (solver)',
    rows.map((x) => x.lsq),
  );
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table)
    console.log(
      '  ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    );
  const se = Math.sqrt((0.5 * 0.5) / 1000) * 100;
  console.log('');
  console.log(
    `tolerance ±${TOLERANCE} points on the mean over ${SEEDS.length} seeds: binomial standard error of one accuracy on 1000 test points ≤ ${se.toFixed(1)}`,
  );
  console.log(
    '  points; the seed spread is the sd column; the reference code itself reports 64.6% (quickstart, 6000 steps) and 68% (README) for the MLP,',
  );
  console.log('  92.3% and 94% for the CNN');
  console.log(
    `verdict: ${verdicts.every(Boolean) ? 'all within tolerance' : 'OUTSIDE tolerance (see rows marked NO)'}`,
  );
  const each = (['logistic', 'mlp', 'cnn'] as const).map((k) => `${k} ${seconds[k].toFixed(1)} s`);
  console.log(
    `time: ${((performance.now() - t0) / 1000).toFixed(1)} s (${SEEDS.length} seeds: ${each.join(', ')})`,
  );
}
