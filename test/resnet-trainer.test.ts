// ResNetTrainer: training lowers the loss, is deterministic, calls the augmentation hook per
// minibatch, and refuses bad input by name.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { ResNetTrainer, type ResNetSettings } from '../src/fit/train/resnet-trainer.js';
import { resnetStepSeconds } from '../src/fit/train/resnet-step-timer.js';
import { TrainingDivergedError, type TrainingData } from '../src/fit/train/trainer.js';
import { randomData } from './train-helpers.js';

const image: [number, number, number] = [3, 8, 8];
const data = (): TrainingData => randomData(12, 192, 3, 21, image);

const settings = (overrides: Partial<ResNetSettings> = {}): ResNetSettings => ({
  optimizer: { ...DEFAULT_OPTIMIZER, name: 'adam' },
  lr: 1e-2,
  schedule: { name: 'constant' },
  epochs: 8,
  batchSize: 4,
  init: 'pytorch',
  dataSeed: 3,
  evalEvery: 4,
  ...overrides,
});

describe('ResNetTrainer', () => {
  it('a short run lowers the training loss, and the same seeds give the same numbers', async () => {
    const run = async () => {
      const t = await ResNetTrainer.create(2, 7, data(), settings());
      const start = await t.evaluate(0);
      const records = await t.train();
      return { start, records, params: t.parameters() };
    };
    const a = await run();
    expect(a.records.map((r) => r.epoch)).toEqual([4, 8]);
    expect(a.records[1].step).toBe(24);
    expect(a.records[1].trainLoss).toBeLessThan(0.5 * a.start.trainLoss);
    const b = await run();
    expect(b.records).toEqual(a.records);
    for (const [name, v] of a.params.params) expect(b.params.params.get(name)).toEqual(v);
    for (const [name, v] of a.params.running) expect(b.params.running.get(name)).toEqual(v);
    // Training moved the running statistics off their start (mean 0, variance 1).
    expect(Math.abs((a.params.running.get('layer1.0.bn1.running_mean') as Float64Array)[0])).toBeGreaterThan(1e-3);
    // Another initialisation seed is another network.
    const other = await ResNetTrainer.create(2, 8, data(), settings());
    expect(other.parameters().params.get('conv1.weight')).not.toEqual(
      (await ResNetTrainer.create(2, 7, data(), settings())).parameters().params.get('conv1.weight'),
    );
  });

  it('SGD trains too; a huge learning rate is reported as divergence', async () => {
    const sgd = await ResNetTrainer.create(1, 2, data(), settings({ optimizer: DEFAULT_OPTIMIZER, lr: 0.05, epochs: 2, evalEvery: 1 }));
    const records = await sgd.train();
    expect(records.every((r) => Number.isFinite(r.trainLoss))).toBe(true);
    const wild = await ResNetTrainer.create(1, 2, data(), settings({ optimizer: DEFAULT_OPTIMIZER, lr: 1e30, epochs: 3 }));
    await expect(wild.train()).rejects.toThrow(TrainingDivergedError);
  });

  it('calls the augmentation hook on every minibatch before its step, with its size and step', async () => {
    const calls: [number, number, number][] = [];
    const t = await ResNetTrainer.create(
      1,
      2,
      data(),
      settings({ epochs: 1, batchSize: 5, augment: (x, count, step) => calls.push([x.length, count, step]) }),
    );
    await t.runEpoch(0);
    // 12 images in batches of 5, 5, 2.
    expect(calls).toEqual([
      [5 * 192, 5, 0],
      [5 * 192, 5, 1],
      [2 * 192, 2, 2],
    ]);
    // The hook's changes are what the step sees: blanking the images changes the trained network.
    const plain = await ResNetTrainer.create(1, 2, data(), settings({ epochs: 1 }));
    const blank = await ResNetTrainer.create(1, 2, data(), settings({ epochs: 1, augment: (x) => x.fill(0) }));
    await plain.runEpoch(0);
    await blank.runEpoch(0);
    expect(blank.parameters().params.get('conv1.weight')).not.toEqual(plain.parameters().params.get('conv1.weight'));
  });

  it('bad input gets a named error', async () => {
    const flat = randomData(8, 6, 3, 1);
    await expect(ResNetTrainer.create(2, 1, flat, settings())).rejects.toThrow(/needs image data/);
    const wrongShape = { ...data(), input: { dim: 192, image: [3, 8, 9] as const, classes: 3 } };
    await expect(ResNetTrainer.create(2, 1, wrongShape, settings())).rejects.toThrow(
      /image shape \(3, 8, 9\) has 216 values but the data rows have 192/,
    );
    await expect(ResNetTrainer.create(0, 1, data(), settings())).rejects.toThrow(/width k must be an integer ≥ 1, got 0/);
    await expect(ResNetTrainer.create(2, 1, data(), settings({ lr: 0 }))).rejects.toThrow(/learning rate must be > 0/);
    // 8×8 inputs end in 1×1 maps: a batch of one would give batch norm a single value.
    await expect(ResNetTrainer.create(2, 1, data(), settings({ batchSize: 1 }))).rejects.toThrow(
      /batchSize 1 with 1×1 final maps/,
    );
    const short = { ...data(), xTrain: new Float64Array(10) };
    await expect(ResNetTrainer.create(2, 1, short, settings())).rejects.toThrow(/training images hold 10 values, not 12 × 192/);
    await expect(resnetStepSeconds(1, 2, image, 0)).rejects.toThrow(/steps must be a positive integer/);
  });

  it('the step timer times the requested steps', async () => {
    const timing = await resnetStepSeconds(1, 4, image, 2);
    expect(timing.seconds).toHaveLength(2);
    expect(timing.seconds.every((s) => s > 0)).toBe(true);
    expect(timing.median).toBeCloseTo((timing.seconds[0] + timing.seconds[1]) / 2, 12);
  });
});
