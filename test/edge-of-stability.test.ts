// The edge-of-stability preset on a tiny configuration: its rows, its sharpness against the explicit
// Hessian of the same network, its summary against its rows, and GD's stability bound.
import { describe, expect, it } from 'vitest';
import { EnsembleTrainer } from '../src/fit/train/trainer.js';
import { hessianVectorProduct } from '../src/fit/train/hessian.js';
import { flattenParameters, unflattenParameters } from '../src/fit/train/parameter-math.js';
import { networkShape } from '../src/models/network.js';
import {
  edgeOfStabilityPreset,
  runEdgeOfStability,
  type EdgeOfStabilityConfig,
} from '../src/experiments/stability/edge-of-stability.js';
import { trainingData, trainSettings } from '../src/experiments/common/training-config.js';
import { symmetricEigen } from '../src/theory/symmetric-eigen.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';

const TINY = {
  dataset: 'mnist1d',
  n: 64,
  nTest: 32,
  width: 4,
  init: 'he', // initial sharpness ≈ 73: 2/η is above it for η = 0.01, below it for 0.1 and 0.4
  lrs: [0.01, 0.1, 0.4],
  steps: 60,
  every: 20,
  lanczosSteps: 30,
};

describe('edge-of-stability', () => {
  const config = edgeOfStabilityPreset.resolve(TINY) as EdgeOfStabilityConfig;
  const data = trainingData(loadDatasetByName('mnist1d'), config, config.n);
  const run = runEdgeOfStability(config, data);

  it('measures every η at steps 0, every, 2·every …, with its threshold 2/η', async () => {
    const { points } = await run;
    for (const lr of config.lrs) {
      const rows = points.filter((p) => p.lr === lr);
      expect(rows.map((r) => r.step)).toEqual([0, 20, 40, 60]);
      for (const r of rows) expect(r.threshold).toBe(2 / lr);
      expect(rows.every((r) => r.sharpness >= r.lambda2)).toBe(true);
    }
  });

  it('at step 0 every η sees the top eigenvalue of the explicit Hessian of the same initial network', async () => {
    const { points } = await run;
    const shape = { ...networkShape('mlp', config.depth, config.width), activation: config.activation };
    const settings = {
      ...trainSettings({
        ...config,
        lr: 1,
        epochs: 1,
        batchSize: config.n,
        optimizer: 'sgd',
        momentum: 0,
        weightDecay: 0,
        schedule: { name: 'constant' },
        evalEvery: 1,
      }),
      dtype: 'float64' as const,
    };
    const net = await EnsembleTrainer.create([{ shape, seed: config.seed, lr: 1 }], data, settings);
    const like = net.parameters();
    const size = flattenParameters(like).length;
    const h = new Float64Array(size * size);
    for (let j = 0; j < size; j++) {
      const e = new Float64Array(size);
      e[j] = 1;
      const col = flattenParameters(await hessianVectorProduct(net, unflattenParameters(e, like)));
      for (let i = 0; i < size; i++) h[i * size + j] = col[i];
    }
    const [top, second] = symmetricEigen({ rows: size, cols: size, data: h }).values;
    for (const r of points.filter((p) => p.step === 0)) {
      expect(Math.abs(r.sharpness - top) / top).toBeLessThan(1e-6);
      expect(Math.abs(r.lambda2 - second) / top).toBeLessThan(1e-4);
    }
  });

  it('GD cannot stay sharper than 2/η: large steps end at or below it, a small one sharpens freely', async () => {
    const { points, summary } = await run;
    const initial = points.find((p) => p.step === 0)!.sharpness;
    for (const s of summary) {
      const rows = points.filter((p) => p.lr === s.lr);
      // The summary is the median over the last half of the steps (steps 40 and 60 here).
      const late = rows.filter((r) => r.step >= 30).map((r) => r.sharpness);
      expect(s.lateSharpness).toBeCloseTo((late[0] + late[1]) / 2, 12);
      expect(s.ratio).toBeCloseTo(s.lateSharpness / (2 / s.lr), 12);
      if (2 / s.lr < initial) expect(s.ratio).toBeLessThan(1.1);
    }
    // η = 0.01: 2/η = 200, far above the curvature, so GD is stable and the loss falls every time.
    const small = points.filter((p) => p.lr === 0.01);
    for (let k = 1; k < small.length; k++) expect(small[k].trainLoss).toBeLessThan(small[k - 1].trainLoss);
    expect(small.every((r) => r.sharpness < r.threshold)).toBe(true);
  });

  it('rejects a measurement interval longer than the run', () => {
    expect(() => edgeOfStabilityPreset.resolve({ steps: 10, every: 20 })).toThrow(
      /every = 20 exceeds steps = 10/,
    );
  });
});
