// Ensembles of equal CNNs as one grouped-convolution network (ensemble-plan.ts, grouped-conv.ts):
// the grouped conv's backward rules against naive loops, the ensemble's gradients against central
// differences of the f64 reference network, and training together against training each alone.
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../src/engine/ort.js';
import { GraphBuilder } from '../src/engine/onnx-graph.js';
import { Rng } from '../src/engine/random.js';
import {
  ensemblePlan,
  hasWeightMask,
  parameterOwners,
  weightShape,
  type NetworkShape,
} from '../src/fit/train/ensemble-plan.js';
import {
  convOutputSize,
  emitGroupedConv,
  emitGroupedConvInputGradient,
  emitGroupedConvWeightGradient,
  type ConvGeometry,
} from '../src/fit/train/grouped-conv.js';
import { initialParameters, memberParameters, type Parameters } from '../src/fit/train/initialize.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer, type Member } from '../src/fit/train/trainer.js';
import { parameterCount } from '../src/models/network.js';
import { parameterNorms } from '../src/probes/parameter-norm.js';
import { trainerWithBiases, worstGradientError } from './gradient-check.js';
import { referenceLoss, referenceNet } from './reference-network.js';
import { maxRelativeDifference, randomData, settings } from './train-helpers.js';

const cnn = (...widths: number[]): NetworkShape => ({ family: 'cnn', widths });
const everyIndex = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('the plan of a CNN ensemble', () => {
  const input = { dim: 64, classes: 3, image: [1, 8, 8] as [number, number, number] };

  it('equal widths: grouped conv layers after the first, a stacked head, no masks', () => {
    const plan = ensemblePlan([cnn(2, 3, 3, 4), cnn(2, 3, 3, 4), cnn(2, 3, 3, 4)], input);
    expect(plan.layers.map((l) => l.grouped)).toEqual([false, true, true, true, false]);
    expect(plan.layers.map((l) => l.stacked)).toEqual([false, false, false, false, true]);
    expect(plan.layers.map((l) => hasWeightMask(l, 3))).toEqual([false, false, false, false, false]);
    // Each member's own kernels only: (3·out, in per member, 3, 3); the head (members, in, classes).
    expect(plan.layers.map(weightShape)).toEqual([
      [6, 1, 3, 3],
      [9, 2, 3, 3],
      [9, 3, 3, 3],
      [12, 3, 3, 3],
      [3, 4, 3],
    ]);
  });

  it('unequal widths keep the masked block-diagonal layout; one network has neither', () => {
    const mixed = ensemblePlan([cnn(2, 3, 3, 4), cnn(2, 3, 3, 5)], input);
    expect(mixed.layers.map((l) => l.grouped || l.stacked)).toEqual([false, false, false, false, false]);
    expect(mixed.layers.map((l) => hasWeightMask(l, 2))).toEqual([false, true, true, true, true]);
    expect(weightShape(mixed.layers[1])).toEqual([6, 4, 3, 3]);
    const lone = ensemblePlan([cnn(2, 3, 3, 4)], input);
    expect(lone.layers.map((l) => l.grouped || l.stacked || hasWeightMask(l, 1))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("every weight of a grouped layer belongs to its output channel's member (norms, SAM, Hessian probes)", () => {
    const shape = cnn(2, 3, 3, 4);
    const plan = ensemblePlan([shape, shape, shape], input);
    const owners = parameterOwners(plan);
    expect(owners.counts).toEqual([0, 1, 2].map(() => parameterCount(shape, input)));
    // Layer 1: (9, 2, 3, 3), rows of 18 weights, 3 output channels per member.
    const w1 = Array.from(owners.w[1]);
    expect(w1.filter((m) => m === 1)).toHaveLength(54);
    expect(w1.slice(3 * 18 - 1, 3 * 18 + 1)).toEqual([0, 1]);
    // Each member owns exactly its parameters: the ensemble holds no weight that is nobody's.
    const total = [...owners.w, ...owners.b].reduce((sum, t) => sum + t.length, 0);
    expect(total).toBe(3 * parameterCount(shape, input));
  });

  it('a member starts from the same numbers in a grouped ensemble as alone', () => {
    const shape = cnn(2, 3, 3, 4);
    const plan = ensemblePlan([shape, shape, shape], input);
    const together = initialParameters(plan, [5, 6, 7], 'he');
    const alone = initialParameters(ensemblePlan([shape], input), [6], 'he');
    expect(memberParameters(plan, together, 1)).toEqual(alone);
  });
});

describe('grouped convolution backward rules against naive loops', () => {
  // Sums of ≤ 300 f32 products of numbers in (−1, 1): rounding ~1e-6 of the largest value, so
  // 1e-5 of it separates rounding from any misplaced term (which is off by O(1)).
  const cases: [string, ConvGeometry, number, number, [number, number]][] = [
    ['3×3, stride 1, pad 1, 3 groups', { groups: 3, kernel: [3, 3], stride: 1, pad: 1 }, 2, 3, [6, 5]],
    ['3×3, stride 1, pad 1, 1 group', { groups: 1, kernel: [3, 3], stride: 1, pad: 1 }, 3, 2, [5, 6]],
    [
      '3×3, stride 2, pad 1, 2 groups (odd size)',
      { groups: 2, kernel: [3, 3], stride: 2, pad: 1 },
      2,
      3,
      [7, 6],
    ],
    ['1×1, stride 2, pad 0, 3 groups', { groups: 3, kernel: [1, 1], stride: 2, pad: 0 }, 2, 2, [6, 7]],
  ];
  for (const [name, c, inPer, outPer, [H, W]] of cases) {
    it(name, async () => {
      const B = 3;
      const G = c.groups;
      const [kH, kW] = c.kernel;
      const [oH, oW] = [convOutputSize(H, kH, c), convOutputSize(W, kW, c)];
      const rng = new Rng(31, 1);
      const draw = (n: number) => Float64Array.from({ length: n }, () => 2 * rng.uniform() - 1);
      // Values in f32 so that the loops and the graph see the same numbers.
      const f32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
      const x = f32(draw(B * G * inPer * H * W));
      const w = f32(draw(G * outPer * inPer * kH * kW));
      const dz = f32(draw(B * G * outPer * oH * oW));
      const xAt = (b: number, ch: number, i: number, j: number) =>
        i < 0 || i >= H || j < 0 || j >= W ? 0 : x[((b * G * inPer + ch) * H + i) * W + j];
      // z = conv(x, W): dz·z summed gives dW and dx by the chain rule, term by term.
      const z = new Float64Array(dz.length);
      const dW = new Float64Array(w.length);
      const dx = new Float64Array(x.length);
      for (let b = 0; b < B; b++)
        for (let o = 0; o < G * outPer; o++) {
          const group = Math.floor(o / outPer);
          for (let p = 0; p < oH; p++)
            for (let q = 0; q < oW; q++) {
              const zi = ((b * G * outPer + o) * oH + p) * oW + q;
              for (let i = 0; i < inPer; i++)
                for (let a = 0; a < kH; a++)
                  for (let e = 0; e < kW; e++) {
                    const [r, s] = [p * c.stride + a - c.pad, q * c.stride + e - c.pad];
                    const wi = ((o * inPer + i) * kH + a) * kW + e;
                    const ch = group * inPer + i;
                    z[zi] += w[wi] * xAt(b, ch, r, s);
                    dW[wi] += dz[zi] * xAt(b, ch, r, s);
                    if (r >= 0 && r < H && s >= 0 && s < W)
                      dx[((b * G * inPer + ch) * H + r) * W + s] += dz[zi] * w[wi];
                  }
            }
        }
      const g = new GraphBuilder('grouped_conv');
      const dims = {
        x: [B, G * inPer, H, W],
        w: [G * outPer, inPer, kH, kW],
        dz: [B, G * outPer, oH, oW],
      };
      const X = g.input('x', 'float32', dims.x);
      const Wt = g.input('w', 'float32', dims.w);
      const DZ = g.input('dz', 'float32', dims.dz);
      g.output(emitGroupedConv(g, X, Wt, undefined, c), 'z', 'float32', dims.dz);
      g.output(emitGroupedConvWeightGradient(g, X, DZ, c, inPer, outPer, [H, W]), 'dW', 'float32', dims.w);
      g.output(emitGroupedConvInputGradient(g, DZ, Wt, c, [H, W]), 'dx', 'float32', dims.x);
      const session = await InferenceSession.create(g.build());
      const out = await session.run({
        x: new Tensor('float32', Float32Array.from(x), dims.x),
        w: new Tensor('float32', Float32Array.from(w), dims.w),
        dz: new Tensor('float32', Float32Array.from(dz), dims.dz),
      });
      for (const [key, expected] of [
        ['z', z],
        ['dW', dW],
        ['dx', dx],
      ] as const) {
        const got = out[key].data as Float32Array;
        expect(Array.from(out[key].dims)).toEqual(dims[key === 'z' ? 'dz' : key === 'dW' ? 'w' : 'x']);
        const largest = Math.max(...expected.map(Math.abs));
        expect(largest).toBeGreaterThan(0.5);
        const worst = Math.max(...expected.map((v, i) => Math.abs(v - got[i])));
        expect(worst / largest).toBeLessThan(1e-5);
      }
    });
  }
});

describe('a grouped CNN ensemble', () => {
  // The CNN graph runs in f32 (ONNX Runtime has no f64 Conv on the CPU): its gradients carry f32
  // rounding (~1e-7 per operation over a few hundred terms; measured ≤ 1.0e-6 of the largest
  // gradient here), so 1e-4 separates it from a wrong rule or a gradient leaking between members,
  // which is off by O(1) (the lone CNN's check in train-gradients allows 1e-3).
  for (const M of [2, 3]) {
    for (const loss of ['cross-entropy', 'squared'] as const) {
      it(`${M} equal members (widths 2-3-3-4, 2×8×8 images), ${loss}: each member's gradient and loss are its own`, async () => {
        const data = randomData(4, 128, 3, 40 + M, [2, 8, 8]);
        const members = Array.from({ length: M }, (_, i) => ({
          shape: cnn(2, 3, 3, 4),
          seed: 4 + i,
          lr: 0.1,
        }));
        const trainer = await trainerWithBiases(members, data, settings({ loss, dtype: 'float32' }));
        expect(trainer.plan.layers.map((l) => l.grouped)).toEqual([false, true, true, true, false]);
        const { grads, loss: values } = await trainer.lossGradient(everyIndex(4));
        for (let m = 0; m < M; m++) {
          // No member is dead (a dead first layer leaves constant maps whose max-pool ties make
          // finite differences see a quarter of the routed gradient): every tensor has a gradient.
          const own = memberParameters(trainer.plan, grads, m);
          for (const t of [...own.w, ...own.b]) expect(Math.max(...t.map(Math.abs))).toBeGreaterThan(1e-4);
          expect(worstGradientError(trainer, grads, data, m, loss, 40)).toBeLessThan(1e-4);
          const ref = referenceLoss(
            referenceNet(trainer.plan, m),
            memberParameters(trainer.plan, trainer.parameters(), m),
            Float64Array.from(data.xTrain),
            data.labelsTrain,
            128,
            loss,
          );
          // f32 forward pass: ~1e-7 relative rounding of a loss near 1.
          expect(Math.abs(values[m] - ref)).toBeLessThan(1e-5 * Math.max(1, ref));
        }
      });
    }
  }

  // Each member alone runs the plain convolutions of the lone CNN; together, grouped ones. The
  // arithmetic is the same but ONNX Runtime may sum in another order (other GEMM shapes), so they
  // agree to f32 rounding: ~1e-7 per operation, which Adam's division by √v can grow (a gradient
  // entry near 0 has its update set by its rounding). Measured: ≤ 6.8e-8 of the largest parameter
  // after 9 steps; 1e-5 leaves a margin of 100 (the MLP ensembles' f32 Adam bound is 1e-4), while a
  // wrong group or weight gradient moves the parameters by O(lr) ≥ 5e-3 relative in a few steps.
  it('three equal members with their own seeds and learning rates, Adam, trained together = each alone (one frozen early)', async () => {
    const members: Member[] = [0, 1, 2].map((i) => ({
      shape: cnn(2, 3, 3, 4),
      seed: 60 + i,
      lr: [0.01, 0.02, 0.005][i],
    }));
    // 20 points in batches of 8: two full steps and a partial batch of 4 per epoch.
    const data = randomData(20, 64, 3, 61, [1, 8, 8]);
    const s = settings({
      dtype: 'float32',
      optimizer: { ...DEFAULT_OPTIMIZER, name: 'adam' },
      epochs: 3,
      stepsPerRun: 2,
    });
    const together = await EnsembleTrainer.create(members, data, s);
    expect(together.plan.layers.map((l) => l.grouped)).toEqual([false, true, true, true, false]);
    const series = await together.train({ stopWhen: (r, m) => m === 2 && r.epoch >= 2 });
    expect(together.frozenAtStep(2)).toBe(6);
    const norms = parameterNorms(together);
    for (let m = 0; m < members.length; m++) {
      const alone = await EnsembleTrainer.create([members[m]], data, { ...s, epochs: m === 2 ? 2 : 3 });
      const own = await alone.train();
      const start = await EnsembleTrainer.create([members[m]], data, s);
      const mine = memberParameters(together.plan, together.parameters(), m);
      // The members moved from their start, each by its own learning rate…
      expect(maxRelativeDifference(start.parameters(), alone.parameters())).toBeGreaterThan(1e-2);
      // …and exactly as each does alone.
      expect(maxRelativeDifference(mine, alone.parameters())).toBeLessThan(1e-5);
      // A frozen member's records go on (unchanged) to the end; compare at its own last epoch.
      const last = series[m][own[0].length - 1];
      const ref = own[0][own[0].length - 1];
      expect(last.epoch).toBe(ref.epoch);
      expect(Math.abs(last.trainLoss - ref.trainLoss)).toBeLessThan(1e-4 * ref.trainLoss);
      expect(Math.abs(norms[m] - parameterNorms(alone)[0])).toBeLessThan(1e-4 * norms[m]);
    }
    // Learning rates are per member: the members' updates differ from a run with one shared rate.
    const shared = await EnsembleTrainer.create(
      members.map((m) => ({ ...m, lr: 0.01 })),
      data,
      s,
    );
    await shared.train({ stopWhen: (r, m) => m === 2 && r.epoch >= 2 });
    const p1 = memberParameters(together.plan, together.parameters(), 1);
    const q1 = memberParameters(shared.plan, shared.parameters(), 1);
    expect(maxRelativeDifference(p1, q1)).toBeGreaterThan(1e-3);
  });

  it('the grouped and the masked layout of one ensemble give the same losses and gradients', async () => {
    const members: Member[] = [0, 1, 2].map((i) => ({ shape: cnn(2, 3, 3, 4), seed: 80 + i, lr: 0.1 }));
    const data = randomData(6, 128, 3, 81, [2, 8, 8]);
    const grouped = await EnsembleTrainer.create(members, data, settings({ dtype: 'float32' }));
    const masked = await EnsembleTrainer.create(
      members,
      data,
      settings({ dtype: 'float32', maskedLayout: true }),
    );
    expect(masked.plan.layers.map((l) => hasWeightMask(l, 3))).toEqual([false, true, true, true, true]);
    const a = await grouped.lossGradient();
    const b = await masked.lossGradient();
    for (let m = 0; m < 3; m++) {
      // Other GEMM shapes, other summation orders: f32 rounding (~1e-7) of the largest gradient.
      const own = (t: EnsembleTrainer, g: Parameters) => memberParameters(t.plan, g, m);
      expect(maxRelativeDifference(own(grouped, a.grads), own(masked, b.grads))).toBeLessThan(1e-5);
      expect(Math.abs(a.loss[m] - b.loss[m])).toBeLessThan(1e-6 * a.loss[m]);
    }
    // Parameters of one layout do not fit the other: a clear error, not a silent misreading.
    await expect(
      EnsembleTrainer.create(members, data, settings({ dtype: 'float32' }), masked.parameters()),
    ).rejects.toThrow(
      /initial parameters of layer 1 have 486 weights .* the ensemble's layout \(9×2×3×3\) needs 162/,
    );
  });

  it('SAM: each member of a grouped ensemble takes the step it takes alone (‖g‖ per member)', async () => {
    const members: Member[] = [1, 2].map((seed) => ({
      shape: cnn(1, 2, 2, 3),
      seed: 70 + seed,
      lr: 0.05 * seed,
    }));
    const data = randomData(16, 64, 3, 71, [1, 8, 8]);
    const s = settings({
      dtype: 'float32',
      optimizer: { ...DEFAULT_OPTIMIZER, momentum: 0.9 },
      epochs: 2,
      sam: 0.1,
    });
    const together = await EnsembleTrainer.create(members, data, s);
    expect(together.plan.layers[1].grouped).toBe(true);
    await together.train();
    for (let m = 0; m < members.length; m++) {
      const alone = await EnsembleTrainer.create([members[m]], data, s);
      await alone.train();
      const plain = await EnsembleTrainer.create([members[m]], data, { ...s, sam: 0 });
      await plain.train();
      const own = memberParameters(together.plan, together.parameters(), m);
      // f32 with SGD (no Adam division): rounding stays near 1e-7 (measured ≤ 7.5e-7 here;
      // sharpness-aware.test.ts measured 1.5e-7 for the masked CNN ensemble); SAM itself moves the
      // result by > 1e-2, and a ‖g‖ mixing members would change every step's ε by O(1).
      expect(maxRelativeDifference(own, alone.parameters())).toBeLessThan(1e-5);
      expect(maxRelativeDifference(plain.parameters(), alone.parameters())).toBeGreaterThan(1e-2);
    }
  });
});
