// The trainer's augmentation hook (TrainSettings.augment): each training minibatch's inputs are
// augmented by minibatchAugmenter(image, STANDARD_AUGMENT, dataSeed) at its step before the step,
// and nothing else is (evaluation, the stored training set). With augment off nothing changes: the
// golden record (test/preset-golden.test.ts) checks that for every preset.
import { describe, expect, it } from 'vitest';
import { minibatchAugmenter, STANDARD_AUGMENT } from '../src/data/augment.js';
import { memberParameters } from '../src/fit/train/initialize.js';
import { EnsembleTrainer, type Member } from '../src/fit/train/trainer.js';
import { networkShape } from '../src/models/network.js';
import { randomData, settings } from './train-helpers.js';

const IMAGE: [number, number, number] = [2, 6, 6];
const DIM = 72;
const members: Member[] = [{ shape: networkShape('mlp', 1, 5), seed: 3, lr: 0.05 }];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const flat = (p: { w: Float64Array[]; b: Float64Array[] }) => [...p.w, ...p.b].flatMap((t) => Array.from(t));

describe('training with augmentation', () => {
  it('steps on the minibatch augmented at its step: the same as no augmentation on those inputs', async () => {
    const data = randomData(20, DIM, 3, 5, IMAGE);
    const on = await EnsembleTrainer.create(members, data, settings({ augment: 'on', dataSeed: 7 }));
    const batches = [Int32Array.of(4, 0, 13, 9), Int32Array.of(2, 17, 4)];
    // The independent side: the rows of each batch augmented by hand, written into a copy of the
    // training set, and a trainer without augmentation stepping on them.
    const augment = minibatchAugmenter(IMAGE, STANDARD_AUGMENT, 7);
    const plain = await EnsembleTrainer.create(members, data, settings({ dataSeed: 7 }));
    for (const [t, idx] of batches.entries()) {
      const rows = new Float64Array(idx.length * DIM);
      idx.forEach((r, i) => rows.set(data.xTrain.subarray(r * DIM, (r + 1) * DIM), i * DIM));
      augment(rows, idx.length, t);
      const x = Float64Array.from(data.xTrain);
      idx.forEach((r, i) => x.set(rows.subarray(i * DIM, (i + 1) * DIM), r * DIM));
      // Plain SGD keeps no state, so a trainer started at the current parameters takes the same step.
      const swapped = await EnsembleTrainer.create(
        members,
        { ...data, xTrain: x },
        settings({ dataSeed: 7 }),
        on.parameters(),
      );
      swapped.stepCount = t;
      await swapped.step(idx, 0);
      await on.step(idx, 0);
      await plain.step(idx, 0);
      // f64 graphs on identical inputs: equal to the last bits (1e-12 leaves room for nothing else).
      expect(maxDiff(flat(on.parameters()), flat(swapped.parameters()))).toBeLessThan(1e-12);
    }
    // Augmentation changed the inputs, so the training differs from training on the raw rows.
    expect(maxDiff(flat(on.parameters()), flat(plain.parameters()))).toBeGreaterThan(1e-4);
  });

  it('is deterministic, differs from no augmentation, and never touches the training set or evaluation', async () => {
    const data = randomData(24, DIM, 3, 6, IMAGE);
    const before = Float64Array.from(data.xTrain);
    const run = async (augment: 'on' | 'off') => {
      const t = await EnsembleTrainer.create(members, data, settings({ augment, epochs: 3, batchSize: 8 }));
      const records = await t.train();
      return { t, records };
    };
    const a = await run('on');
    const b = await run('on');
    const off = await run('off');
    expect(a.records).toEqual(b.records);
    expect(a.records[0].at(-1)?.trainLoss).not.toBe(off.records[0].at(-1)?.trainLoss);
    expect(data.xTrain).toEqual(before);
    expect(a.t.split('train').x).toEqual(before);
    // Evaluating twice gives the same numbers: no evaluation draws augmentation.
    expect(await a.t.evaluate(3)).toEqual(await a.t.evaluate(3));
    expect(a.records[0].at(-1)).toEqual((await a.t.evaluate(3))[0]);
  });

  it('an ensemble gets the same augmented batches as each member alone', async () => {
    const data = randomData(16, DIM, 3, 8, IMAGE);
    const s = settings({ augment: 'on', epochs: 2, batchSize: 4 });
    const pair: Member[] = [
      { shape: networkShape('mlp', 1, 3), seed: 1, lr: 0.05 },
      { shape: networkShape('mlp', 1, 4), seed: 2, lr: 0.02 },
    ];
    const together = await EnsembleTrainer.create(pair, data, s);
    await together.train();
    for (let m = 0; m < 2; m++) {
      const alone = await EnsembleTrainer.create([pair[m]], data, s);
      await alone.train();
      const x = memberParameters(alone.plan, alone.parameters(), 0);
      const y = memberParameters(together.plan, together.parameters(), m);
      expect(maxDiff(flat(x), flat(y))).toBeLessThan(1e-12);
    }
  });

  it("'auto' leaves one-channel images alone; 'on' needs an image shape", async () => {
    const mnistLike = randomData(16, 36, 3, 9, [1, 6, 6]);
    const auto = await EnsembleTrainer.create(members, mnistLike, settings({ augment: 'auto', epochs: 2 }));
    const off = await EnsembleTrainer.create(members, mnistLike, settings({ augment: 'off', epochs: 2 }));
    expect(await auto.train()).toEqual(await off.train());
    await expect(
      EnsembleTrainer.create(members, randomData(8, 10, 3, 1), settings({ augment: 'on' })),
    ).rejects.toThrow(/augment 'on' needs image data/);
  });
});
