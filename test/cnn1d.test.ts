// The 1-D CNN family (models/cnn1d.ts): its hand-derived backward against central differences of
// the independent f64 reference network, its closed-form parameter count against the initialized
// tensors, ensembles of it, and the errors of inputs it cannot take.
import { describe, expect, it } from 'vitest';
import { mnist1d } from '../src/data/mnist1d.js';
import { presetNamed } from '../src/experiments/presets.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { GraphBuilder } from '../src/engine/onnx-graph.js';
import { InferenceSession, Tensor } from '../src/engine/ort.js';
import { Rng } from '../src/engine/random.js';
import {
  ensemblePlan,
  parameterOwners,
  weightShape,
  type NetworkShape as Shape,
} from '../src/fit/train/ensemble-plan.js';
import { initialParameters, memberParameters } from '../src/fit/train/initialize.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer } from '../src/fit/train/trainer.js';
import { cnn1dLengths } from '../src/models/cnn1d.js';
import { networkShape, parameterCount } from '../src/models/network.js';
import { referenceLogits, referenceLoss, referenceNet } from './reference-network.js';
import { randomData, settings } from './train-helpers.js';
import { trainerWithBiases, worstGradientError } from './gradient-check.js';

const everyIndex = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

const shape = (widths: number[]): Shape => ({ family: 'cnn1d', widths });

describe('the 1-D CNN (cnn1d)', () => {
  // f64 graphs (the convolutions are matrix products, which ONNX Runtime runs in f64): central
  // differences with h = 1e-6 are accurate to ~1e-9 relative, far below 1e-6; a wrong rule, a
  // tap shifted by one or a lost padding term, is off by O(1) of the largest gradient.
  for (const loss of ['cross-entropy', 'squared'] as const) {
    it(`gradients of a one-channel signal of length 11 (lengths 11 → 5 → 3 → 2), ${loss}`, async () => {
      const data = randomData(5, 11, 3, 11);
      expect(cnn1dLengths(11)).toEqual([11, 5, 3, 2]);
      const trainer = await trainerWithBiases(
        [{ shape: shape([3, 2, 4]), seed: 3, lr: 0.1 }],
        data,
        settings({ loss }),
      );
      const { grads, loss: value } = await trainer.lossGradient(everyIndex(5));
      expect(worstGradientError(trainer, grads, data, 0, loss)).toBeLessThan(1e-6);
      const p = memberParameters(trainer.plan, trainer.parameters(), 0);
      const ref = referenceLoss(
        referenceNet(trainer.plan, 0),
        p,
        Float64Array.from(data.xTrain),
        data.labelsTrain,
        11,
        loss,
      );
      expect(value[0]).toBeCloseTo(ref, 12);
    });
  }

  it('gradients of a two-channel signal (channels × 1 × length, channel after channel), tanh', async () => {
    const data = randomData(4, 18, 3, 12, [2, 1, 9]);
    const s: Shape = { ...shape([2, 3, 2]), activation: 'tanh' };
    const trainer = await trainerWithBiases([{ shape: s, seed: 5, lr: 0.1 }], data, settings());
    const { grads } = await trainer.lossGradient(everyIndex(4));
    expect(worstGradientError(trainer, grads, data, 0, 'cross-entropy')).toBeLessThan(1e-6);
  });

  it('an ensemble of two widths: each member gets its own gradient, the masked blocks none', async () => {
    const data = randomData(4, 11, 3, 13);
    const members = [2, 3].map((k, i) => ({ shape: networkShape('cnn1d', 1, k), seed: 20 + i, lr: 0.1 }));
    const trainer = await trainerWithBiases(members, data, settings());
    const { grads, loss } = await trainer.lossGradient(everyIndex(4));
    for (let m = 0; m < 2; m++) {
      expect(worstGradientError(trainer, grads, data, m, 'cross-entropy')).toBeLessThan(1e-6);
      const p = memberParameters(trainer.plan, trainer.parameters(), m);
      const net = referenceNet(trainer.plan, m);
      const ref = referenceLoss(
        net,
        p,
        Float64Array.from(data.xTrain),
        data.labelsTrain,
        11,
        'cross-entropy',
      );
      expect(loss[m]).toBeCloseTo(ref, 12);
    }
    // Rows of a conv1d weight are (tap, input channel): channels 0–1 are member 0's, 2–4 member 1's.
    const layer = trainer.plan.layers[1];
    expect(weightShape(layer)).toEqual([3 * 5, 5]);
    let offBlock = 0;
    let onBlock = 0;
    for (let r = 0; r < 15; r++)
      for (let j = 0; j < 5; j++) {
        const same = r % 5 < 2 === j < 2;
        const v = Math.abs(grads.w[1][r * 5 + j]);
        if (same) onBlock += v;
        else offBlock += v;
      }
    expect(offBlock).toBe(0);
    expect(onBlock).toBeGreaterThan(0);
  });

  it('training an ensemble (Adam, 3 steps) gives each member the parameters it gets alone', async () => {
    const data = randomData(12, 11, 3, 14);
    const s = settings({
      optimizer: { ...DEFAULT_OPTIMIZER, name: 'adam' },
      batchSize: 4,
      epochs: 1,
      init: 'pytorch',
    });
    const members = [2, 3].map((k, i) => ({ shape: networkShape('cnn1d', 1, k), seed: 30 + i, lr: 0.01 }));
    const together = await EnsembleTrainer.create(members, data, s);
    await together.train();
    for (let m = 0; m < 2; m++) {
      const alone = await EnsembleTrainer.create([members[m]], data, s);
      await alone.train();
      const a = memberParameters(alone.plan, alone.parameters(), 0);
      const b = memberParameters(together.plan, together.parameters(), m);
      const start = memberParameters(
        alone.plan,
        initialParameters(alone.plan, [members[m].seed], 'pytorch'),
        0,
      );
      a.w.forEach((w, l) => {
        // Trained (not at the start), and equal to rounding.
        expect(Math.max(...w.map((v, i) => Math.abs(v - start.w[l][i])))).toBeGreaterThan(1e-4);
        expect(Math.max(...w.map((v, i) => Math.abs(v - b.w[l][i])))).toBeLessThan(1e-12);
      });
    }
  });

  it('the closed-form parameter count equals the initialized tensors; 5 210 for the reference k = 25', () => {
    const mnist = { dim: 40, classes: 10, image: [1, 1, 40] as const };
    // ConvBase (Greydanus 2020): (5·1 + 1)·25 + 2·(3·25 + 1)·25 + (5·25 + 1)·10 = 150 + 3800 + 1260.
    expect(parameterCount(networkShape('cnn1d', 1, 25), mnist)).toBe(5210);
    const cases: [number, { dim: number; classes: number; image?: readonly [number, number, number] }][] = [
      [1, mnist],
      [25, mnist],
      [7, { dim: 11, classes: 3 }],
      [4, { dim: 18, classes: 5, image: [2, 1, 9] }],
    ];
    for (const [k, input] of cases) {
      const s = networkShape('cnn1d', 1, k);
      const plan = ensemblePlan([s], input);
      const p = initialParameters(plan, [1], 'he');
      const tensors = [...p.w, ...p.b].reduce((sum, t) => sum + t.length, 0);
      expect(parameterCount(s, input)).toBe(tensors);
    }
    // In an ensemble, each member's own count (its blocks, not the zeros between members).
    const plan = ensemblePlan(
      [1, 4, 9].map((k) => networkShape('cnn1d', 1, k)),
      mnist,
    );
    expect(parameterOwners(plan).counts).toEqual(
      [1, 4, 9].map((k) => parameterCount(networkShape('cnn1d', 1, k), mnist)),
    );
  });

  it('inputs it cannot take get errors naming the problem', () => {
    const input = (dim: number) => ({ dim, classes: 3 });
    expect(cnn1dLengths(3)).toEqual([3, 1, 1, 1]);
    expect(() => ensemblePlan([shape([2, 2, 2])], input(2))).toThrow(
      'the 1-D CNN (cnn1d) needs signals of length ≥ 3, got 2: layer 1 (kernel 5, stride 2, padding 1) cannot convolve length 2',
    );
    expect(() => parameterCount(shape([2, 2, 2]), input(2))).toThrow(/needs signals of length ≥ 3, got 2/);
    expect(() => ensemblePlan([shape([2, 2])], input(40))).toThrow(
      'the 1-D CNN (cnn1d) has 3 conv layers, got 2 widths',
    );
    expect(() => ensemblePlan([shape([2, 2, 2])], { dim: 784, classes: 10, image: [1, 28, 28] })).toThrow(
      'the 1-D CNN (cnn1d) reads signals of shape channels × 1 × length, got images 1×28×28; use the 2-D cnn family',
    );
    expect(() => ensemblePlan([shape([2, 2, 2]), { family: 'mlp', widths: [2, 2, 2] }], input(40))).toThrow(
      /member 1 \(mlp, depth 3\) differs in family or depth/,
    );
  });

  it('takes the MNIST-1D signal (40 → 19 → 10 → 5) that the 2-D CNN refuses', () => {
    const ds = mnist1d({ samples: 50 });
    const plan = ensemblePlan([networkShape('cnn1d', 1, 25)], {
      dim: ds.dim,
      classes: ds.classes,
      image: ds.shape,
    });
    expect(plan.layers.map((l) => [l.conv1d?.inLength, l.conv1d?.outLength])).toEqual([
      [40, 19],
      [19, 10],
      [10, 5],
      [5, 1],
    ]);
  });

  it('trains in a width sweep over seeds (mnist1d-width, each width one ensemble of its seeds); deterministic', async () => {
    const preset = presetNamed('mnist1d-width');
    const config = preset.resolve({
      dataset: 'mnist1d:samples=300',
      family: 'cnn1d',
      n: 100,
      nTest: 50,
      epochs: 2,
      evalEvery: 1,
      batchSize: 50,
      widths: [2, 5],
      seeds: 2,
    });
    const result = await preset.run(config, { loadDataset: loadDatasetByName });
    const input = { dim: 40, classes: 10 };
    expect(result.points.map((r) => [r.width, r.parameters, r.seeds])).toEqual(
      [2, 5].map((k) => [k, parameterCount(networkShape('cnn1d', 1, k), input), 2]),
    );
    for (const r of result.points) expect(r.testError).toBeLessThan(1);
    const again = await preset.run(config, { loadDataset: loadDatasetByName });
    expect(again.points).toEqual(result.points);
  });

  // The reference network above and the engine were both written from PyTorch's definition of
  // Conv1d(kernel, stride 2, padding 1); ONNX's own Conv (f32 only on the CPU) is a third reading.
  // f32 rounding over ≤ 125-term sums: 1e-5 of the largest logit separates it from a shifted tap.
  it("the reference network's logits equal ONNX Conv's (strides 2, pads 1, PyTorch's flatten order)", async () => {
    const [n, channels, length, classes] = [6, 2, 40, 10];
    const data = randomData(n, channels * length, classes, 15, [channels, 1, length]);
    const widths = [4, 3, 5];
    const plan = ensemblePlan([shape(widths)], data.input);
    const p = initialParameters(plan, [9], 'he');
    const rng = new Rng(8, 8);
    p.b.forEach((b) => rng.fillNormal(b, 0, 0.1));
    const g = new GraphBuilder('conv1d_reference');
    let a = g.input('X', 'float32', [n, channels, length]);
    const feeds: Record<string, InstanceType<typeof Tensor>> = {
      X: new Tensor('float32', Float32Array.from(data.xTrain), [n, channels, length]),
    };
    const constant = (name: string, values: number[], dims: number[]) => {
      feeds[name] = new Tensor('float32', Float32Array.from(values), dims);
      return g.input(name, 'float32', dims);
    };
    plan.layers.forEach((layer, l) => {
      const { kernel, stride, pad, outLength } = layer.conv1d as NonNullable<typeof layer.conv1d>;
      const [cin, cout] = [layer.inTotal, layer.outTotal];
      const at = (k: number, c: number, o: number) => p.w[l][(k * cin + c) * cout + o];
      if (l < 3) {
        // ONNX/PyTorch weight layout (out, in, K).
        const w: number[] = [];
        for (let o = 0; o < cout; o++)
          for (let c = 0; c < cin; c++) for (let k = 0; k < kernel; k++) w.push(at(k, c, o));
        const conv = g.node(
          'Conv',
          [a, constant(`w${l}`, w, [cout, cin, kernel]), constant(`b${l}`, Array.from(p.b[l]), [cout])],
          {
            kernel_shape: [kernel],
            strides: [stride],
            pads: [pad, pad],
          },
        );
        a = g.node('Relu', [conv]);
        expect(outLength).toBe([19, 10, 5][l]);
      } else {
        // nn.Linear on h.view(batch, -1): input index c·L₃ + t.
        const w: number[] = [];
        for (let c = 0; c < cin; c++)
          for (let t = 0; t < kernel; t++) for (let o = 0; o < cout; o++) w.push(at(t, c, o));
        a = g.node('Gemm', [
          g.node('Flatten', [a], { axis: 1 }),
          constant('wHead', w, [cin * kernel, cout]),
          constant('bHead', Array.from(p.b[l]), [cout]),
        ]);
      }
    });
    g.output(a, 'logits', 'float32', [n, classes]);
    const session = await InferenceSession.create(g.build());
    const onnx = (await session.run(feeds)).logits.data as Float32Array;
    const net = referenceNet(plan, 0);
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const ref = referenceLogits(net, p, Float64Array.from(data.xTrain.subarray(i * 80, (i + 1) * 80)));
      ref.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - onnx[i * classes + j]));
        largest = Math.max(largest, Math.abs(v));
      });
    }
    expect(largest).toBeGreaterThan(0.1);
    expect(worst / largest).toBeLessThan(1e-5);
  });
});
