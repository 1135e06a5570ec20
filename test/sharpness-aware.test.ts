// Sharpness-aware minimization (SAM): the step graph's update against an independent computation
// (the f64 reference network, gradients by central differences: g at θ, ε = ρg/‖g‖, the gradient
// at θ + ε, fed to SGD, momentum with weight decay, or Adam written out here); per-member ‖g‖ in
// ensembles (each member as if alone); ε = 0 for a zero gradient; ρ = 0 is plain training.
import { describe, expect, it } from 'vitest';
import { ensemblePlan, parameterOwners, type NetworkShape } from '../src/fit/train/ensemble-plan.js';
import { initialParameters, memberParameters, type Parameters } from '../src/fit/train/initialize.js';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer, type Member, type TrainingData } from '../src/fit/train/trainer.js';
import type { Dtype } from '../src/fit/train/network-graph.js';
import { presetNamed } from '../src/experiments/presets.js';
import { trainSettings, type TrainingConfig } from '../src/experiments/common/training-config.js';
import { referenceLoss, referenceNet } from './reference-network.js';
import { randomData, settings } from './train-helpers.js';
import { tinyTrainer } from './gradient-check.js';

const [D, K, C] = [4, 3, 2];
const member: Member = { shape: { family: 'mlp', widths: [K] }, seed: 2, lr: 0.1 };

const flat = (p: Parameters) => [...p.w.flatMap((t) => [...t]), ...p.b.flatMap((t) => [...t])];
function unflatLike(template: Parameters, v: number[]): Parameters {
  let i = 0;
  const take = (t: Float64Array) => Float64Array.from(v.slice(i, (i += t.length)));
  return { w: template.w.map(take), b: template.b.map(take) };
}

/** ∇f by central differences (f64; the step balances truncation and rounding near 1e-10). */
function centralGradient(f: (q: number[]) => number, theta: number[], h = 1e-6): number[] {
  return theta.map((_, i) => {
    const up = theta.slice();
    const down = theta.slice();
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** SAM's gradient, independently: g = ∇E(θ), ε = ρg/‖g‖, ∇E(θ + ε), all by central differences. */
function referenceSamGradient(f: (q: number[]) => number, theta: number[], rho: number): number[] {
  const g = centralGradient(f, theta);
  const norm = Math.hypot(...g);
  return centralGradient(
    f,
    theta.map((v, i) => v + (rho * g[i]) / norm),
  );
}

/** PyTorch's SGD (momentum, weight decay) or Adam, fed with `gradient(θ)` for `steps` steps. */
function referenceTraining(
  opt: OptimizerConfig,
  lr: number,
  theta0: number[],
  steps: number,
  gradient: (theta: number[]) => number[],
): number[] {
  let theta = theta0.slice();
  let v = theta.map(() => 0);
  let s = theta.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = gradient(theta).map((x, i) => x + opt.weightDecay * theta[i]);
    if (opt.name === 'adam') {
      v = v.map((m, i) => opt.beta1 * m + (1 - opt.beta1) * g[i]);
      s = s.map((q, i) => opt.beta2 * q + (1 - opt.beta2) * g[i] ** 2);
      const [bc1, bc2] = [1 - opt.beta1 ** t, 1 - opt.beta2 ** t];
      theta = theta.map((x, i) => x - ((lr / bc1) * v[i]) / (Math.sqrt(s[i]) / Math.sqrt(bc2) + opt.epsilon));
    } else {
      v = opt.momentum > 0 ? v.map((m, i) => opt.momentum * m + g[i]) : g;
      theta = theta.map((x, i) => x - lr * v[i]);
    }
  }
  return theta;
}

const maxAbs = (v: number[]) => Math.max(...v.map(Math.abs));

describe('SAM against the reference network', () => {
  const data = randomData(6, D, C, 31);
  const batch = Int32Array.from({ length: 6 }, (_, i) => i);
  const rho = 0.05;
  const lr = 0.1;
  const optimizers: [string, OptimizerConfig, number][] = [
    // Plain SGD (the fused Gemm update, x and dz of the pass at θ + ε), one step.
    ['SGD', DEFAULT_OPTIMIZER, 1],
    // Momentum and weight decay act on θ, not on θ + ε; three steps carry the velocity.
    [
      'SGD with momentum 0.9 and weight decay 0.01',
      { ...DEFAULT_OPTIMIZER, momentum: 0.9, weightDecay: 0.01 },
      3,
    ],
    ['Adam', { ...DEFAULT_OPTIMIZER, name: 'adam' }, 3],
  ];
  for (const loss of ['cross-entropy', 'squared'] as const) {
    for (const [name, optimizer, steps] of optimizers) {
      it(`${name}, ${loss}: ${steps} step(s) with ∇E(θ + ρg/‖g‖) (f64, to 1e-7 of the update)`, async () => {
        const t = await tinyTrainer({ ...member, lr }, data, settings({ loss, optimizer, sam: rho }));
        const theta0 = flat(t.parameters());
        for (let k = 0; k < steps; k++) await t.step(batch, 0);
        const net = referenceNet(t.plan, 0);
        const x = Float64Array.from(data.xTrain);
        const f = (q: number[]) =>
          referenceLoss(net, unflatLike(t.parameters(), q), x, data.labelsTrain, D, loss);
        const expected = referenceTraining(optimizer, lr, theta0, steps, (q) =>
          referenceSamGradient(f, q, rho),
        );
        const plain = referenceTraining(optimizer, lr, theta0, steps, (q) => centralGradient(f, q));
        const moved = maxAbs(expected.map((v, i) => v - theta0[i]));
        // Central differences are good to ~1e-9 relative here; the update is compared to 1e-7 of its size.
        expect(maxAbs(flat(t.parameters()).map((v, i) => v - expected[i]))).toBeLessThan(1e-7 * moved);
        // …and SAM's update is far from the plain one, so the comparison can fail.
        expect(maxAbs(plain.map((v, i) => v - expected[i]))).toBeGreaterThan(1e-3 * moved);
      });
    }
  }
});

const mlp = (...widths: number[]): NetworkShape => ({ family: 'mlp', widths });
const cnn = (k: number): NetworkShape => ({ family: 'cnn', widths: [k, 2 * k, 2 * k, 3 * k] });

function maxRelativeDifference(a: Parameters, b: Parameters): number {
  const x = flat(a);
  const y = flat(b);
  const scale = Math.max(1e-12, maxAbs(x));
  return maxAbs(x.map((v, i) => v - y[i])) / scale;
}

describe('SAM in an ensemble: ‖g‖ per member', () => {
  // f64: the ensemble and the lone network differ only in summation order (measured: 0 difference).
  // The CNN runs in f32 (ONNX Runtime has no f64 Conv): measured 1.5e-7 after 6 steps. The 1-D CNN's
  // convolutions are matrix products, so it runs in f64 like the MLPs.
  const cases: [string, Member[], TrainingData, Dtype, number][] = [
    [
      'MLPs of different widths, seeds and rates (block-diagonal, segmented head)',
      [
        { shape: mlp(3, 4), seed: 1, lr: 0.05 },
        { shape: mlp(7, 2), seed: 2, lr: 0.1 },
        { shape: mlp(12, 5), seed: 3, lr: 0.2 },
      ],
      randomData(30, 6, 3, 11),
      'float64',
      1e-10,
    ],
    [
      'equal MLPs (stacked)',
      [1, 2, 3].map((seed) => ({ shape: mlp(5, 4), seed, lr: 0.05 * seed })),
      randomData(30, 6, 3, 12),
      'float64',
      1e-10,
    ],
    [
      'CNNs of two widths (conv layers)',
      [1, 2].map((k) => ({ shape: cnn(k), seed: 20 + k, lr: 0.1 })),
      randomData(16, 64, 3, 13, [1, 8, 8]),
      'float32',
      1e-5,
    ],
    [
      '1-D CNNs of two widths (conv1d layers, weights (K·in, out))',
      [2, 3].map((k) => ({ shape: { family: 'cnn1d', widths: [k, k, k] }, seed: 30 + k, lr: 0.1 })),
      randomData(12, 11, 3, 14),
      'float64',
      1e-10,
    ],
  ];
  for (const [name, members, data, dtype, tolerance] of cases) {
    it(`${name}: each member trains as it would alone (SGD with momentum, ${dtype}, ${tolerance})`, async () => {
      const s = settings({
        dtype,
        optimizer: { ...DEFAULT_OPTIMIZER, momentum: 0.9 },
        epochs: 3,
        stepsPerRun: 2,
        sam: 0.1,
      });
      const together = await EnsembleTrainer.create(members, data, s);
      await together.train();
      for (let m = 0; m < members.length; m++) {
        const alone = await EnsembleTrainer.create([members[m]], data, s);
        await alone.train();
        const plain = await EnsembleTrainer.create([members[m]], data, { ...s, sam: 0 });
        await plain.train();
        const own = memberParameters(together.plan, together.parameters(), m);
        expect(maxRelativeDifference(own, alone.parameters())).toBeLessThan(tolerance);
        // SAM is active: the member is far from where plain training takes it.
        expect(maxRelativeDifference(plain.parameters(), alone.parameters())).toBeGreaterThan(1e-2);
      }
    });
  }
});

describe('SAM edge cases', () => {
  // 8 points, 4 per class: with W = 0, b₁ = 0 and output bias b₂ = ȳ = (½, ½), every logit equals
  // the mean target and the squared loss's gradient is exactly 0 (the residuals ±½ cancel).
  const data = randomData(8, D, C, 41);
  data.labelsTrain.forEach((_, i) => (data.labelsTrain[i] = i % 2));
  const all = Int32Array.from({ length: 8 }, (_, i) => i);

  it('a zero gradient gives ε = 0 (no 0/0): the parameters stay put, and another member is unaffected', async () => {
    const members: Member[] = [member, { ...member, seed: 5 }];
    const s = settings({ loss: 'squared', batchSize: 8, sam: 0.1 });
    const plan = ensemblePlan(
      members.map((m) => m.shape),
      data.input,
    );
    const start = initialParameters(
      plan,
      members.map((m) => m.seed),
      'he',
    );
    // Member 0 at the zero-gradient point, member 1 at its He initialisation.
    const owners = parameterOwners(plan);
    const top = plan.layers.length - 1;
    start.w.forEach((t, l) => t.forEach((_, i) => owners.w[l][i] === 0 && (t[i] = 0)));
    start.b.forEach((t, l) => t.forEach((_, i) => owners.b[l][i] === 0 && (t[i] = l === top ? 0.5 : 0)));
    const pair = await EnsembleTrainer.create(members, data, s, start);
    await pair.step(all, 0);
    const first = memberParameters(plan, pair.parameters(), 0);
    expect(flat(first)).toEqual(flat(memberParameters(plan, start, 0)));
    const alone = await EnsembleTrainer.create([members[1]], data, s);
    await alone.step(all, 0);
    const second = memberParameters(plan, pair.parameters(), 1);
    expect(maxRelativeDifference(second, alone.parameters())).toBeLessThan(1e-12);
    expect(maxRelativeDifference(second, memberParameters(plan, start, 1))).toBeGreaterThan(1e-3);
  });

  it('ρ = 0 is plain training, bit for bit', async () => {
    const d = randomData(37, 6, 3, 14);
    const members: Member[] = [
      { shape: mlp(5), seed: 1, lr: 0.1 },
      { shape: mlp(9), seed: 2, lr: 0.2 },
    ];
    const off = await EnsembleTrainer.create(members, d, settings({ epochs: 2, sam: 0 }));
    const plain = await EnsembleTrainer.create(members, d, settings({ epochs: 2 }));
    await off.train();
    await plain.train();
    expect(flat(off.parameters())).toEqual(flat(plain.parameters()));
  });

  it('rejects a negative or non-finite ρ, and ρ together with explicit gradient regularization', async () => {
    for (const rho of [-0.1, Number.NaN, Infinity])
      await expect(EnsembleTrainer.create([member], data, settings({ sam: rho }))).rejects.toThrow(
        `SAM radius ρ (sam) must be a finite number ≥ 0, got ${rho}`,
      );
    await expect(
      EnsembleTrainer.create([member], data, settings({ sam: 0.05, gradientPenalty: 0.1 })),
    ).rejects.toThrow('SAM (sam) and explicit gradient regularization (gradientPenalty) cannot be combined');
  });

  it("is the training presets' field `sam`: validated, and passed to the trainer", () => {
    const preset = presetNamed('mlp-width');
    expect(() => preset.resolve({ sam: -0.1 })).toThrow(/^sam must be a number in \[0, ∞\), got -0.1$/);
    expect(trainSettings(preset.resolve({ sam: 0.05 }) as TrainingConfig).sam).toBe(0.05);
    expect(trainSettings(preset.resolve({}) as TrainingConfig).sam).toBe(0);
  });
});
