// Every layer's hand-derived backward rule, checked against central finite differences of an
// independent f64 implementation (test/reference-network.ts).
import { describe, expect, it } from 'vitest';
import {
  ensemblePlan,
  equalWidthRuns,
  weightShape,
  type NetworkShape as Shape,
} from '../src/fit/train/ensemble-plan.js';
import { memberParameters, placeMembers, type Parameters } from '../src/fit/train/initialize.js';
import { EnsembleTrainer } from '../src/fit/train/trainer.js';
import { referenceLoss, referenceNet } from './reference-network.js';
import { maxRelativeDifference, randomData, settings } from './train-helpers.js';
import { trainerWithBiases, worstGradientError } from './gradient-check.js';

const everyIndex = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('gradients of the training graphs against finite differences', () => {
  // f64 graphs: central differences with h = 1e-6 are accurate to ~1e-9 relative (O(h²) truncation,
  // O(ε/h) rounding), far below 1e-6; a wrong rule is off by O(1).
  for (const loss of ['cross-entropy', 'squared'] as const) {
    it(`MLP (dense + ReLU, 2 hidden layers), ${loss}`, async () => {
      const data = randomData(8, 6, 3, 1);
      const members = [{ shape: { family: 'mlp', widths: [5, 4] } as Shape, seed: 3, lr: 0.1 }];
      const trainer = await trainerWithBiases(members, data, settings({ loss }));
      const { grads } = await trainer.lossGradient(everyIndex(8));
      expect(worstGradientError(trainer, grads, data, 0, loss, 1000)).toBeLessThan(1e-6);
    });
  }

  for (const loss of ['cross-entropy', 'squared'] as const) {
    it(`MLP (dense + tanh, 2 hidden layers), ${loss}`, async () => {
      const data = randomData(8, 6, 3, 4);
      const shape: Shape = { family: 'mlp', widths: [5, 4], activation: 'tanh' };
      const trainer = await trainerWithBiases([{ shape, seed: 3, lr: 0.1 }], data, settings({ loss }));
      const { grads } = await trainer.lossGradient(everyIndex(8));
      expect(worstGradientError(trainer, grads, data, 0, loss, 1000)).toBeLessThan(1e-6);
      // And the tanh graph is not the ReLU one: the same weights give other gradients.
      const relu = await trainerWithBiases(
        [{ shape: { ...shape, activation: 'relu' }, seed: 3, lr: 0.1 }],
        data,
        settings({ loss }),
      );
      const other = await relu.lossGradient(everyIndex(8));
      expect(Math.abs(other.grads.w[0][0] - grads.w[0][0])).toBeGreaterThan(1e-6);
    });
  }

  it('an ensemble mixing activations is refused', () => {
    const shape: Shape = { family: 'mlp', widths: [3] };
    expect(() => ensemblePlan([shape, { ...shape, activation: 'tanh' }], { dim: 2, classes: 2 })).toThrow(
      /member 1 has activation tanh, member 0 relu/,
    );
  });

  it('an ensemble of three MLPs: each member gets its own gradient, the masked blocks none', async () => {
    const data = randomData(8, 6, 3, 2);
    const members = [3, 1, 5].map((w, i) => ({
      shape: { family: 'mlp', widths: [w, 2] } as Shape,
      seed: 10 + i,
      lr: 0.1,
    }));
    const trainer = await trainerWithBiases(members, data, settings());
    const { grads, loss } = await trainer.lossGradient(everyIndex(8));
    for (let m = 0; m < 3; m++) {
      expect(worstGradientError(trainer, grads, data, m, 'cross-entropy', 1000)).toBeLessThan(1e-6);
      const net = referenceNet(trainer.plan, m);
      const p = memberParameters(trainer.plan, trainer.parameters(), m);
      expect(loss[m]).toBeCloseTo(
        referenceLoss(net, p, Float64Array.from(data.xTrain), data.labelsTrain, 6, 'cross-entropy'),
        12,
      );
    }
    // Gradients between members are masked: off-block entries are exactly zero.
    const hidden = trainer.plan.layers[1];
    const w1 = grads.w[1];
    let offBlock = 0;
    for (let i = 0; i < hidden.inTotal; i++)
      for (let j = 0; j < hidden.outTotal; j++) {
        const inOwner = i < 3 ? 0 : i < 4 ? 1 : 2;
        if (inOwner !== hidden.owner[j]) offBlock += Math.abs(w1[i * hidden.outTotal + j]);
      }
    expect(offBlock).toBe(0);
  });

  it('a width sweep’s head is segmented by runs of equal widths: each member’s own gradient, and the masked layout’s', async () => {
    const data = randomData(8, 6, 3, 8);
    // Runs of equal widths: two of 3 (one batched MatMul), one of 1, two of 5.
    const members = [3, 3, 1, 5, 5].map((w, i) => ({
      shape: { family: 'mlp', widths: [w] } as Shape,
      seed: 40 + i,
      lr: 0.1 * (i + 1),
    }));
    const trainer = await trainerWithBiases(members, data, settings());
    const head = trainer.plan.layers[1];
    expect([head.segmented, head.stacked]).toEqual([true, false]);
    expect(weightShape(head)).toEqual([17, 3]); // not the block-diagonal 17 × 15
    expect(equalWidthRuns(head)).toEqual([
      { member: 0, count: 2, width: 3, row: 0 },
      { member: 2, count: 1, width: 1, row: 6 },
      { member: 3, count: 2, width: 5, row: 7 },
    ]);
    const { grads, loss } = await trainer.lossGradient(everyIndex(8));
    const masked = await EnsembleTrainer.create(
      members,
      data,
      settings({ maskedLayout: true }),
      // The same networks in the block-diagonal layout.
      placeMembers(
        ensemblePlan(
          members.map((m) => m.shape),
          data.input,
          { masked: true },
        ),
        members.map((_, m) => memberParameters(trainer.plan, trainer.parameters(), m)),
      ),
    );
    expect(masked.plan.layers[1].segmented).toBe(false);
    const other = await masked.lossGradient(everyIndex(8));
    for (let m = 0; m < members.length; m++) {
      expect(worstGradientError(trainer, grads, data, m, 'cross-entropy', 1000)).toBeLessThan(1e-6);
      // Other products, other summation orders: f64 rounding only.
      const own = (t: EnsembleTrainer, g: Parameters) => memberParameters(t.plan, g, m);
      expect(maxRelativeDifference(own(trainer, grads), own(masked, other.grads))).toBeLessThan(1e-12);
      expect(loss[m]).toBeCloseTo(other.loss[m], 13);
    }
  });

  it('an ensemble of three equal MLPs (stacked layers, depth 3): each member gets its own gradient', async () => {
    const data = randomData(8, 6, 3, 6);
    const members = [0, 1, 2].map((i) => ({
      shape: { family: 'mlp', widths: [4, 3, 5] } as Shape,
      seed: 30 + i,
      lr: 0.1,
    }));
    const trainer = await trainerWithBiases(members, data, settings());
    // The layers after the first are stacked (members, in, out), with no mask.
    expect(trainer.plan.layers.map((layer) => layer.stacked)).toEqual([false, true, true, true]);
    expect(weightShape(trainer.plan.layers[1])).toEqual([3, 4, 3]);
    for (const loss of ['cross-entropy', 'squared'] as const) {
      const t = loss === 'squared' ? await trainerWithBiases(members, data, settings({ loss })) : trainer;
      const { grads, loss: values } = await t.lossGradient(everyIndex(8));
      for (let m = 0; m < 3; m++) {
        expect(worstGradientError(t, grads, data, m, loss, 1000)).toBeLessThan(1e-6);
        const p = memberParameters(t.plan, t.parameters(), m);
        expect(values[m]).toBeCloseTo(
          referenceLoss(
            referenceNet(t.plan, m),
            p,
            Float64Array.from(data.xTrain),
            data.labelsTrain,
            6,
            loss,
          ),
          12,
        );
      }
    }
  });

  // ONNX Runtime has no f64 Conv on the CPU, so the CNN graph runs in f32: its gradients carry
  // relative rounding of ~1e-6 per operation, accumulated over a few hundred terms, so 1e-3 of the
  // largest gradient separates rounding from a wrong rule (which is off by O(1)).
  for (const loss of ['cross-entropy', 'squared'] as const) {
    it(`CNN (conv 3×3, ReLU, max-pool 2, global max-pool, dense head), ${loss}, f32 graph`, async () => {
      const image: [number, number, number] = [2, 8, 8];
      const data = randomData(4, 128, 3, 3, image);
      const members = [{ shape: { family: 'cnn', widths: [2, 3, 3, 4] } as Shape, seed: 4, lr: 0.1 }];
      const trainer = await trainerWithBiases(members, data, settings({ loss, dtype: 'float32' }));
      const { grads } = await trainer.lossGradient(everyIndex(4));
      expect(worstGradientError(trainer, grads, data, 0, loss, 40)).toBeLessThan(1e-3);
    });
  }

  it('a CNN ensemble of two widths matches each member alone', async () => {
    const image: [number, number, number] = [1, 8, 8];
    const data = randomData(4, 64, 3, 4, image);
    const members = [1, 2].map((k, i) => ({
      shape: { family: 'cnn', widths: [k, 2 * k, 4 * k, 8 * k] } as Shape,
      seed: 20 + i,
      lr: 0.1,
    }));
    const trainer = await trainerWithBiases(members, data, settings({ dtype: 'float32' }));
    const { grads } = await trainer.lossGradient(everyIndex(4));
    for (let m = 0; m < 2; m++)
      expect(worstGradientError(trainer, grads, data, m, 'cross-entropy', 30)).toBeLessThan(1e-3);
  });
});
