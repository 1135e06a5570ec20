// Implicit and explicit gradient regularization: Hessian-vector products against an exact Hessian,
// R_IG against its definition, the explicit-GR gradient against finite differences of E + μ·R_IG.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/random.js';
import { ensemblePlan, parameterOwners, weightMask } from '../src/fit/train/ensemble-plan.js';
import { hessianVectorProduct } from '../src/fit/train/hessian.js';
import { initialParameters, memberParameters, type Parameters } from '../src/fit/train/initialize.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import { EnsembleTrainer, type Member, type TrainingData } from '../src/fit/train/trainer.js';
import { probeGradientRegularization, rigOf } from '../src/probes/gradient-regularization.js';
import { sharpness } from '../src/probes/sharpness.js';
import { symmetricEigen } from '../src/theory/symmetric-eigen.js';
import { referenceLoss, referenceNet } from './reference-network.js';
import { randomData, settings } from './train-helpers.js';
import { tinyTrainer } from './gradient-check.js';

const [D, K, C] = [4, 3, 2];
const member: Member = { shape: { family: 'mlp', widths: [K] }, seed: 2, lr: 0.1 };

const flat = (p: Parameters) => [...p.w[0], ...p.w[1], ...p.b[0], ...p.b[1]];
const unflat = (v: number[]): Parameters => ({
  w: [Float64Array.from(v.slice(0, D * K)), Float64Array.from(v.slice(D * K, D * K + K * C))],
  b: [
    Float64Array.from(v.slice(D * K + K * C, D * K + K * C + K)),
    Float64Array.from(v.slice(D * K + K * C + K)),
  ],
});

/**
 * The exact Hessian-vector product of the squared loss (1/B)Σ_b Σ_c (f_c − y_c)² of a one-hidden-
 * layer ReLU network, from its closed form H = (2/B) Σ_b Σ_c (∇f_c ∇f_cᵀ + r_c ∇²f_c): within a
 * fixed ReLU pattern f is bilinear in (W1, b1) and (W2, b2), so ∇²f_c pairs W2[j,c] with W1[·,j], b1[j].
 */
function exactHv(p: Parameters, v: Parameters, data: TrainingData): number[] {
  const [W1, W2] = p.w;
  const [b1, b2] = p.b;
  const out = {
    w: [new Float64Array(D * K), new Float64Array(K * C)],
    b: [new Float64Array(K), new Float64Array(C)],
  };
  const B = data.labelsTrain.length;
  for (let s = 0; s < B; s++) {
    const x = Array.from({ length: D }, (_, i) => data.xTrain[s * D + i]);
    const z = Array.from({ length: K }, (_, j) => b1[j] + x.reduce((a, xi, i) => a + xi * W1[i * K + j], 0));
    const a = z.map((zj) => (zj > 0 ? 1 : 0));
    const h = z.map((zj) => Math.max(0, zj));
    for (let c = 0; c < C; c++) {
      const f = b2[c] + h.reduce((acc, hj, j) => acc + hj * W2[j * C + c], 0);
      const r = f - (data.labelsTrain[s] === c ? 1 : 0);
      // ∇f_c · v
      let jv = v.b[1][c];
      for (let j = 0; j < K; j++) {
        jv += h[j] * v.w[1][j * C + c] + W2[j * C + c] * a[j] * v.b[0][j];
        for (let i = 0; i < D; i++) jv += W2[j * C + c] * a[j] * x[i] * v.w[0][i * K + j];
      }
      const k = (2 / B) * jv;
      const q = (2 / B) * r;
      out.b[1][c] += k;
      for (let j = 0; j < K; j++) {
        out.w[1][j * C + c] +=
          k * h[j] + q * a[j] * (x.reduce((acc, xi, i) => acc + xi * v.w[0][i * K + j], 0) + v.b[0][j]);
        out.b[0][j] += k * W2[j * C + c] * a[j] + q * a[j] * v.w[1][j * C + c];
        for (let i = 0; i < D; i++)
          out.w[0][i * K + j] += k * W2[j * C + c] * a[j] * x[i] + q * a[j] * x[i] * v.w[1][j * C + c];
      }
    }
  }
  return flat(out);
}

const relativeError = (a: number[], b: number[]) =>
  Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

describe('Hessian-vector products by central differences of gradients', () => {
  const data = randomData(5, D, C, 21);
  const P = D * K + K * C + K + C;
  const rng = new Rng(9, 9);
  const v = unflat(Array.from({ length: P }, () => rng.normal()));

  // f64: ε = u^{1/3}‖θ‖/‖v‖ gives truncation ~ε²·|∇³E| and rounding ~u/ε, both near u^{2/3} ≈ 1e-11
  // relative; 1e-7 leaves room for the conditioning of the difference.
  it('match the exact Hessian of a tiny ReLU network in f64 (relative error < 1e-7)', async () => {
    const t = await tinyTrainer(member, data, settings({ loss: 'squared' }));
    const hv = await hessianVectorProduct(t, v);
    expect(relativeError(flat(hv), exactHv(t.parameters(), v, data))).toBeLessThan(1e-7);
  });

  // f32 (training precision): u^{2/3} ≈ 6e-6 relative, again with room for conditioning.
  it('and in f32 (relative error < 1e-3)', async () => {
    const t = await tinyTrainer(member, data, settings({ loss: 'squared', dtype: 'float32' }));
    const hv = await hessianVectorProduct(t, v);
    expect(relativeError(flat(hv), exactHv(t.parameters(), v, data))).toBeLessThan(1e-3);
  });

  it('H·0 = 0 exactly (no 0/0 from a zero step)', async () => {
    const t = await tinyTrainer(member, data, settings({ loss: 'squared' }));
    const hv = await hessianVectorProduct(t, unflat(Array(P).fill(0)));
    expect(flat(hv).every((x) => x === 0)).toBe(true);
    // In an ensemble, a member with v = 0 gets 0 while the other's product is unchanged.
    const pair = await EnsembleTrainer.create(
      [member, { ...member, seed: 4 }],
      data,
      settings({ loss: 'squared' }),
    );
    const owners = parameterOwners(pair.plan);
    // Random in member 1's own blocks only (the weights between members stay zero).
    const masks = pair.plan.layers.map((layer) => weightMask(layer, 2));
    const p = pair.parameters();
    const w: Parameters = {
      w: p.w.map((t, l) => t.map((_, i) => (owners.w[l][i] === 1 && masks[l]?.[i] !== 0 ? rng.normal() : 0))),
      b: p.b.map((t, l) => t.map((_, i) => (owners.b[l][i] === 1 ? rng.normal() : 0))),
    };
    const both = await hessianVectorProduct(pair, w);
    const alone = await EnsembleTrainer.create([{ ...member, seed: 4 }], data, settings({ loss: 'squared' }));
    const second = await hessianVectorProduct(alone, memberParameters(pair.plan, w, 1));
    expect(flat(memberParameters(pair.plan, both, 0)).every((x) => x === 0)).toBe(true);
    expect(relativeError(flat(memberParameters(pair.plan, both, 1)), flat(second))).toBeLessThan(1e-6);
  });

  it('power iteration finds the largest eigenvalue of the exact Hessian (sharpness)', async () => {
    const t = await tinyTrainer(member, data, settings({ loss: 'squared' }));
    const p = t.parameters();
    const columns = Array.from({ length: P }, (_, j) =>
      exactHv(p, unflat(Array.from({ length: P }, (_, i) => (i === j ? 1 : 0))), data),
    );
    const H = new Float64Array(P * P);
    columns.forEach((col, j) => col.forEach((x, i) => (H[i * P + j] = x)));
    const exact = symmetricEigen({ rows: P, cols: P, data: H }).values;
    const largest = Math.max(exact[0], -exact[P - 1]);
    const [found] = await sharpness(t, { iterations: 200 });
    expect(Math.abs(found)).toBeCloseTo(largest, 6);
  });
});

describe('R_IG', () => {
  it('equals (1/m)‖∇E‖² of the full training loss, from central differences of the reference network', async () => {
    const data = randomData(16, D, C, 22);
    const t = await tinyTrainer(member, data, settings());
    const probe = await probeGradientRegularization(t, { batchSize: 4, seed: 1, sharpnessIterations: 5 });
    const p = t.parameters();
    const x = Float64Array.from(data.xTrain);
    const net = referenceNet(t.plan, 0);
    const f = (q: number[]) => referenceLoss(net, unflat(q), x, data.labelsTrain, D, 'cross-entropy');
    const theta = flat(p);
    const h = 1e-6;
    const gradient = theta.map((_, i) => {
      const up = theta.slice();
      const down = theta.slice();
      up[i] += h;
      down[i] -= h;
      return (f(up) - f(down)) / (2 * h);
    });
    expect(probe.rig[0]).toBeCloseTo(rigOf([gradient]), 10);
    // Equal batches partition the data: the mean of ‖g_B‖² is at least ‖mean g_B‖² = ‖g‖².
    expect(probe.rigMinibatch[0]).toBeGreaterThanOrEqual(probe.rig[0]);
    expect(probe.lambda[0]).toBeCloseTo((0.1 * theta.length) / 4, 12);
  });
});

describe('probes of a stacked ensemble (equal members)', () => {
  it('R_IG, its minibatch estimate and sharpness of each member equal those of the member alone', async () => {
    const data = randomData(16, D, C, 23);
    const equal: Member[] = [5, 6, 7].map((seed) => ({
      shape: { family: 'mlp', widths: [3, 3] },
      seed,
      lr: 0.1,
    }));
    const s = settings({ epochs: 2, batchSize: 4 });
    const together = await EnsembleTrainer.create(equal, data, s);
    expect(together.plan.layers[1].stacked).toBe(true);
    await together.train();
    const options = { batchSize: 4, seed: 1, sharpnessIterations: 30 };
    const probe = await probeGradientRegularization(together, options);
    for (let m = 0; m < equal.length; m++) {
      const alone = await EnsembleTrainer.create([equal[m]], data, s);
      await alone.train();
      const own = await probeGradientRegularization(alone, options);
      expect(probe.rig[m]).toBeCloseTo(own.rig[0], 10);
      expect(probe.rigMinibatch[m]).toBeCloseTo(own.rigMinibatch[0], 10);
      expect(probe.lambda[m]).toBeCloseTo(own.lambda[0], 12);
      // Power iteration from another start: the same top eigenvalue after 30 products.
      expect(probe.sharpness[m]).toBeCloseTo(own.sharpness[0], 3);
    }
  });
});

describe('explicit gradient regularization', () => {
  it('steps along the gradient of E + μ·R_IG (against central differences of it)', async () => {
    const data = randomData(6, D, C, 23);
    const mu = 0.5;
    const lr = 0.01;
    const batch = Int32Array.from({ length: 6 }, (_, i) => i);
    const regularized = await tinyTrainer(
      { ...member, lr },
      data,
      settings({ gradientPenalty: mu, optimizer: DEFAULT_OPTIMIZER }),
    );
    const plain = await tinyTrainer(member, data, settings());
    const theta = flat(regularized.parameters());
    const m = theta.length;
    await regularized.step(batch, 0);
    const G = flat(regularized.parameters()).map((v, i) => (theta[i] - v) / lr);
    const F = async (q: number[]) => {
      const { loss, grads } = await plain.lossGradient(batch, unflat(q));
      return loss[0] + (mu / m) * flat(grads).reduce((s, g) => s + g * g, 0);
    };
    const h = 1e-5;
    for (let i = 0; i < m; i++) {
      const up = theta.slice();
      const down = theta.slice();
      up[i] += h;
      down[i] -= h;
      const fd = ((await F(up)) - (await F(down))) / (2 * h);
      expect(Math.abs(fd - G[i])).toBeLessThan(1e-6 * Math.max(...G.map(Math.abs)));
    }
  });

  it('from all-zero parameters: a finite step, (1 + 4μ/m)·the plain one on the output bias', async () => {
    // At θ = 0 only the output bias b₂ has a gradient, g = 2(b₂ − ȳ) = −2ȳ, and on b₂ the squared
    // loss is quadratic with H = 2I (no other parameter moves the logits while W₂ = 0 and h = 0):
    // g + (2μ/m)·Hg = (1 + 4μ/m)·g, so one step gives b₂ = 2·lr·(1 + 4μ/m)·ȳ and leaves the rest 0.
    const data = randomData(12, D, C, 25);
    const [mu, lr] = [0.5, 0.1];
    const zero = initialParameters(ensemblePlan([member.shape], data.input), [member.seed], 'he');
    [...zero.w, ...zero.b].forEach((t) => t.fill(0));
    const t = await EnsembleTrainer.create(
      [{ ...member, lr }],
      data,
      settings({ loss: 'squared', gradientPenalty: mu, batchSize: 12 }),
      zero,
    );
    await t.step(
      Int32Array.from({ length: 12 }, (_, i) => i),
      0,
    );
    const p = t.parameters();
    const m = D * K + K + K * C + C;
    const mean = Array.from({ length: C }, (_, c) => data.labelsTrain.filter((l) => l === c).length / 12);
    expect(flat(p).every(Number.isFinite)).toBe(true);
    [...p.w[0], ...p.w[1], ...p.b[0]].forEach((v) => expect(v).toBe(0));
    p.b[1].forEach((v, c) => expect(v).toBeCloseTo(2 * lr * (1 + (4 * mu) / m) * mean[c], 9));
  });

  it('rejects μ < 0 and ensembles', async () => {
    const data = randomData(6, D, C, 24);
    await expect(EnsembleTrainer.create([member], data, settings({ gradientPenalty: -1 }))).rejects.toThrow(
      /gradient penalty μ must be ≥ 0, got -1/,
    );
    await expect(
      EnsembleTrainer.create([member, member], data, settings({ gradientPenalty: 0.1 })),
    ).rejects.toThrow(/explicit gradient regularization trains one network at a time/);
  });
});
