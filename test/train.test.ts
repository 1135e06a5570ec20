// The training engine: ensembles equal separate training, optimizer updates equal their formulas,
// networks interpolate noisy labels when wide enough, and bad settings fail clearly.
import { describe, expect, it } from 'vitest';
import { labelNoise, subset } from '../src/data/transforms.js';
import { ensemblePlan, type NetworkShape } from '../src/fit/train/ensemble-plan.js';
import { initialParameters, memberParameters } from '../src/fit/train/initialize.js';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from '../src/fit/train/optimizer.js';
import { scheduleFactor } from '../src/fit/train/schedule.js';
import { EnsembleTrainer, TrainingDivergedError, type Member } from '../src/fit/train/trainer.js';
import { presetNamed } from '../src/experiments/presets.js';
import { trainingData } from '../src/experiments/common/training-config.js';
import { loadMnist } from '../src/sweep/dataset-files.js';
import { referenceLogits, referenceLoss, referenceNet } from './reference-network.js';
import { maxRelativeDifference, randomData, settings } from './train-helpers.js';

const mlp = (...widths: number[]): NetworkShape => ({ family: 'mlp', widths });

describe('ensembles in one graph', () => {
  const members: Member[] = [
    { shape: mlp(3, 4), seed: 1, lr: 0.05 },
    { shape: mlp(7, 2), seed: 2, lr: 0.1 },
    { shape: mlp(12, 5), seed: 3, lr: 0.2 },
  ];
  // f64: the only differences are summation orders inside the GEMMs (~1e-16 relative per step).
  // f32 with Adam: rounding of ~1e-7 per operation, amplified a little by Adam's normalisation.
  for (const [dtype, optimizer, tolerance] of [
    ['float64', { ...DEFAULT_OPTIMIZER, momentum: 0.9 }, 1e-10],
    ['float32', { ...DEFAULT_OPTIMIZER, name: 'adam' }, 1e-4],
  ] as const) {
    it(`three MLPs of different widths, seeds and learning rates trained together = each alone (${dtype}, ${optimizer.name})`, async () => {
      const data = randomData(40, 6, 3, 11);
      const s = settings({ dtype, optimizer: optimizer as OptimizerConfig, epochs: 3, stepsPerRun: 2 });
      const together = await EnsembleTrainer.create(members, data, s);
      await together.train();
      expect(together.stepCount).toBe(15);
      for (let m = 0; m < members.length; m++) {
        const alone = await EnsembleTrainer.create([members[m]], data, s);
        await alone.train();
        const a = memberParameters(together.plan, together.parameters(), m);
        const b = alone.parameters();
        // The members have moved away from their start, and by the same amount.
        const start = await EnsembleTrainer.create([members[m]], data, s);
        expect(maxRelativeDifference(start.parameters(), b)).toBeGreaterThan(1e-2);
        expect(maxRelativeDifference(a, b)).toBeLessThan(tolerance);
      }
    });
  }

  it('three equal MLPs (stacked layout: seeds and a learning-rate axis) trained together = each alone, with one frozen early', async () => {
    const equal: Member[] = [
      { shape: mlp(5, 4), seed: 1, lr: 0.05 },
      { shape: mlp(5, 4), seed: 2, lr: 0.1 },
      { shape: mlp(5, 4), seed: 3, lr: 0.2 },
    ];
    // 37 points in batches of 8: groups of 3 steps, a remainder of 1 and a partial batch of 5.
    const data = randomData(37, 6, 3, 14);
    const s = settings({ optimizer: { ...DEFAULT_OPTIMIZER, momentum: 0.9 }, epochs: 3, stepsPerRun: 3 });
    const stopWhen = (record: { epoch: number }, m: number) => m === 1 && record.epoch >= 2;
    const together = await EnsembleTrainer.create(equal, data, s);
    expect(together.plan.layers.map((l) => l.stacked)).toEqual([false, true, true]);
    const series = await together.train({ stopWhen });
    for (let m = 0; m < equal.length; m++) {
      const alone = await EnsembleTrainer.create([equal[m]], data, { ...s, epochs: m === 1 ? 2 : 3 });
      const own = await alone.train();
      const a = memberParameters(together.plan, together.parameters(), m);
      const start = await EnsembleTrainer.create([equal[m]], data, s);
      expect(maxRelativeDifference(start.parameters(), alone.parameters())).toBeGreaterThan(1e-2);
      expect(maxRelativeDifference(a, alone.parameters())).toBeLessThan(1e-10);
      // Evaluation and parameter norms read each member's own slice of the stack.
      const last = series[m][own[0].length - 1];
      const ref = own[0][own[0].length - 1];
      for (const key of ['trainLoss', 'testError', 'paramNorm'] as const)
        expect(last[key]).toBeCloseTo(ref[key], 10);
    }
  });

  it('unrolling steps in one graph run changes nothing (groups of 3, a remainder group of 1, a partial batch)', async () => {
    // 37 points in batches of 8: four full batches (a group of 3, then 1) and a partial one of 5.
    const data = randomData(37, 6, 3, 12);
    const one = await EnsembleTrainer.create(members, data, settings({ epochs: 2, stepsPerRun: 1 }));
    const three = await EnsembleTrainer.create(members, data, settings({ epochs: 2, stepsPerRun: 3 }));
    await one.train();
    await three.train();
    expect(three.stepCount).toBe(one.stepCount);
    expect(maxRelativeDifference(one.parameters(), three.parameters())).toBeLessThan(1e-12);
  });

  it('train({ stopWhen }) freezes each member when its predicate holds and ends when all have stopped', async () => {
    // 32 points in batches of 8: 4 steps per epoch; member 0 stops at epoch 2, member 1 at epoch 3.
    const data = randomData(32, 6, 3, 13);
    const t = await EnsembleTrainer.create(members.slice(0, 2), data, settings({ epochs: 10 }));
    const seen: number[] = [];
    const series = await t.train({
      stopWhen: (record, m) => record.epoch >= 2 + m,
      onRecord: (epoch) => seen.push(epoch),
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(t.stepCount).toBe(12);
    expect([t.frozenAtStep(0), t.frozenAtStep(1)]).toEqual([8, 12]);
    expect(series.map((records) => records.map((r) => r.epoch))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    // A frozen member no longer moves; the other one still did.
    expect(series[0][2].trainLoss).toBe(series[0][1].trainLoss);
    expect(series[1][2].trainLoss).not.toBe(series[1][1].trainLoss);
  });
});

describe('optimizers follow their update formulas', () => {
  const data = randomData(16, 5, 3, 13);
  const batch = Int32Array.from({ length: 16 }, (_, i) => i);
  const lr = 0.3;

  /** Runs two steps on the same batch and returns θ0, the gradients g0, g1 and θ2. */
  async function twoSteps(opt: OptimizerConfig) {
    const t = await EnsembleTrainer.create(
      [{ shape: mlp(4), seed: 5, lr }],
      data,
      settings({ optimizer: opt }),
    );
    const theta0 = t.parameters();
    const g0 = (await t.lossGradient(batch)).grads;
    await t.step(batch, 0);
    const g1 = (await t.lossGradient(batch)).grads;
    await t.step(batch, 0);
    return { theta0, g0, g1, theta2: t.parameters() };
  }

  function expectEach(
    r: Awaited<ReturnType<typeof twoSteps>>,
    rule: (th: number, g0: number, g1: number) => number,
  ) {
    for (const kind of ['w', 'b'] as const) {
      r.theta2[kind].forEach((t, l) =>
        t.forEach((v, i) =>
          expect(v).toBeCloseTo(rule(r.theta0[kind][l][i], r.g0[kind][l][i], r.g1[kind][l][i]), 12),
        ),
      );
    }
  }

  it('SGD with weight decay: θ ← θ − lr (g + wd θ)', async () => {
    const wd = 0.01;
    const r = await twoSteps({ ...DEFAULT_OPTIMIZER, weightDecay: wd });
    expectEach(r, (th, g0, g1) => {
      const th1 = th - lr * (g0 + wd * th);
      return th1 - lr * (g1 + wd * th1);
    });
  });

  it('SGD with momentum: v ← μv + g, θ ← θ − lr v', async () => {
    const r = await twoSteps({ ...DEFAULT_OPTIMIZER, momentum: 0.9 });
    expectEach(r, (th, g0, g1) => th - lr * g0 - lr * (0.9 * g0 + g1));
  });

  it('Adam with bias correction (PyTorch form)', async () => {
    const opt = { ...DEFAULT_OPTIMIZER, name: 'adam' as const };
    const r = await twoSteps(opt);
    const { beta1: b1, beta2: b2, epsilon: eps } = opt;
    expectEach(r, (th, g0, g1) => {
      const stepOf = (m: number, s: number, t: number) =>
        (lr / (1 - b1 ** t)) * (m / (Math.sqrt(s) / Math.sqrt(1 - b2 ** t) + eps));
      const [m1, s1] = [(1 - b1) * g0, (1 - b2) * g0 * g0];
      const [m2, s2] = [b1 * m1 + (1 - b1) * g1, b2 * s1 + (1 - b2) * g1 * g1];
      return th - stepOf(m1, s1, 1) - stepOf(m2, s2, 2);
    });
  });
});

describe('learning-rate schedules', () => {
  it("inverse-sqrt is Nakkiran's γ₀/√(1+⌊t/512⌋); step decay multiplies per `every` epochs", () => {
    const inv = { name: 'inverse-sqrt', every: 512 } as const;
    expect(scheduleFactor(inv, 511, 0)).toBe(1);
    expect(scheduleFactor(inv, 512, 0)).toBeCloseTo(1 / Math.SQRT2, 15);
    expect(scheduleFactor(inv, 512 * 8, 0)).toBeCloseTo(1 / 3, 15);
    const step = { name: 'step', every: 10, factor: 0.5 } as const;
    expect([0, 9, 10, 25].map((e) => scheduleFactor(step, 0, e))).toEqual([1, 1, 0.5, 0.25]);
  });

  it('the schedule scales the step the trainer takes', async () => {
    const data = randomData(16, 5, 3, 14);
    const batch = Int32Array.from({ length: 16 }, (_, i) => i);
    const s = settings({ schedule: { name: 'step', every: 1, factor: 0.25 } });
    const t = await EnsembleTrainer.create([{ shape: mlp(4), seed: 5, lr: 0.2 }], data, s);
    const before = t.parameters();
    const g = (await t.lossGradient(batch)).grads;
    await t.step(batch, 2); // epoch index 2: factor 0.25²
    const after = t.parameters();
    after.w[0].forEach((v, i) => expect(v).toBeCloseTo(before.w[0][i] - 0.2 * 0.0625 * g.w[0][i], 13));
  });
});

describe('training on MNIST', () => {
  it('label noise changes exactly the requested fraction of training labels', () => {
    const mnist = loadMnist();
    const noisy = trainingData(mnist, { nTest: 100, labelNoise: 0.2, seed: 3 }, 1000);
    const clean = subset(mnist, 1000, 100, 3);
    const changed = noisy.labelsTrain.filter((l, i) => l !== clean.train.labels[i]).length;
    expect(changed / 1000).toBe(0.2);
    expect(labelNoise(clean, 0.2, 3).train.labels).toEqual(noisy.labelsTrain);
  });

  it('a wide MLP interpolates a noisy subset (zero train error); width 1 cannot', async () => {
    const data = trainingData(loadMnist(), { nTest: 500, labelNoise: 0.2, seed: 4 }, 300);
    const s = settings({
      dtype: 'float32',
      optimizer: { ...DEFAULT_OPTIMIZER, name: 'adam' },
      epochs: 60,
      evalEvery: 60,
      batchSize: 32,
      stepsPerRun: 4,
    });
    const t = await EnsembleTrainer.create(
      [
        { shape: mlp(256), seed: 1, lr: 0.003 },
        { shape: mlp(1), seed: 1, lr: 0.003 },
      ],
      data,
      s,
    );
    const [wide, narrow] = (await t.train()).map((series) => series[series.length - 1]);
    expect(wide.trainError).toBe(0);
    // One ReLU unit cannot even separate the clean classes, let alone memorise the noise.
    expect(narrow.trainError).toBeGreaterThan(0.5);
  });

  it('a diverging run stops with an error naming the network, the step and the fix', async () => {
    const data = randomData(32, 5, 3, 15);
    const t = await EnsembleTrainer.create(
      [{ shape: mlp(8), seed: 1, lr: 1e6 }],
      data,
      settings({ loss: 'squared', epochs: 20 }),
    );
    const err = await t.train().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(String(err)).toMatch(
      /training diverged: the loss of the network of width 8 \(learning rate 1000000, seed 1\) became (NaN|Infinity|-Infinity) at step \d+ .*lower the learning rate/,
    );
  });

  it('a step that leaves non-finite parameters is caught at the evaluation with the same error', async () => {
    // One full-batch step: its loss (at the start) is finite, the parameters after it are not.
    const data = randomData(32, 5, 3, 15);
    const t = await EnsembleTrainer.create(
      [{ shape: mlp(8), seed: 1, lr: 1e300 }],
      data,
      settings({ loss: 'squared', epochs: 1, batchSize: 32 }),
    );
    const err = await t.train().catch((e: unknown) => e);
    expect(t.stepCount).toBe(1);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(String(err)).toMatch(
      /training diverged: the loss of the network of width 8 \(learning rate 1e\+300, seed 1\) became (NaN|Infinity) at step 1 \(epoch 1\) on the training set; lower the learning rate/,
    );
  });
});

describe('bad training configurations are rejected with the field named', () => {
  const preset = presetNamed('mlp-width');
  for (const [config, message] of [
    [{ widths: [0, 4] }, /widths\[0\] must be a positive integer, got 0/],
    [{ optimizer: 'rmsprop' }, /optimizer must be one of sgd, adam, got 'rmsprop'/],
    [{ lr: 0 }, /lr must be a number in \(0, ∞\), got 0/],
    [{ lr: -1 }, /lr must be a number in \(0, ∞\), got -1/],
    [{ epochs: 0 }, /epochs must be a positive integer, got 0/],
    [{ family: 'resnet' }, /family must be one of mlp, cnn, cnn1d, resnet18, got 'resnet'/],
    [{ widht: [3] }, /unknown config field 'widht'/],
  ] as const) {
    it(JSON.stringify(config), () => {
      expect(() => preset.resolve(config as Record<string, unknown>)).toThrow(message);
    });
  }
});

describe('evaluation', () => {
  it('losses and errors computed in the graph equal a direct computation from the reference network', async () => {
    const data = randomData(50, 6, 4, 31);
    const members: Member[] = [
      { shape: mlp(5), seed: 1, lr: 0.1 },
      { shape: mlp(3), seed: 2, lr: 0.1 },
    ];
    for (const loss of ['cross-entropy', 'squared'] as const) {
      const t = await EnsembleTrainer.create(members, data, settings({ loss }));
      const records = await t.evaluate(0);
      const x = Float64Array.from(data.xTrain);
      members.forEach((_, m) => {
        const net = referenceNet(t.plan, m);
        const p = memberParameters(t.plan, t.parameters(), m);
        let wrong = 0;
        for (let s = 0; s < 50; s++) {
          const z = referenceLogits(net, p, x.subarray(s * 6, (s + 1) * 6));
          if (z.indexOf(Math.max(...z)) !== data.labelsTrain[s]) wrong++;
        }
        expect(records[m].trainLoss).toBeCloseTo(referenceLoss(net, p, x, data.labelsTrain, 6, loss), 12);
        expect(records[m].trainError).toBe(wrong / 50);
      });
    }
  });
});

describe('initialisation', () => {
  it("kaiming-uniform draws U(±√(6/fan_in)) per member and layer (PyTorch's kaiming_uniform_), biases 0", () => {
    // Two equal members (a stacked second layer) of 40-300-300-10: fan_in 40, then 300 twice.
    const plan = ensemblePlan([mlp(300, 300), mlp(300, 300)], { dim: 40, classes: 10 });
    const p = initialParameters(plan, [1, 2], 'kaiming-uniform');
    [40, 300, 300].forEach((fanIn, l) => {
      const limit = Math.sqrt(6 / fanIn);
      for (let m = 0; m < 2; m++) {
        const w = memberParameters(plan, p, m).w[l];
        const max = Math.max(...w.map(Math.abs));
        expect(max).toBeLessThanOrEqual(limit);
        expect(max).toBeGreaterThan(0.99 * limit);
        // Variance 2/fan_in (He's): the mean of v² over n uniform draws has relative sd √(4/5)/√n.
        const variance = w.reduce((a, v) => a + v * v, 0) / w.length;
        expect(Math.abs(variance * fanIn - 2)).toBeLessThan((4 * 2 * Math.sqrt(0.8)) / Math.sqrt(w.length));
      }
      expect(p.b[l].every((b) => b === 0)).toBe(true);
    });
    // The members draw from their own seeds.
    expect(memberParameters(plan, p, 0).w[1][0]).not.toBe(memberParameters(plan, p, 1).w[1][0]);
  });
});
