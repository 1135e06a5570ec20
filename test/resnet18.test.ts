// The ResNet18 graphs (src/fit/train/resnet-graph.ts) against the independent f64 reference
// (test/reference-resnet.ts): logits in both BN modes, every gradient by central differences, the
// running update, and the parameter count against PyTorch's.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/random.js';
import { oneHotFeed, tensor, type OrtTensor } from '../src/fit/train/graph-tensors.js';
import { initialResNet, type ResNetState } from '../src/fit/train/resnet-initialize.js';
import { resnetEvalSession, resnetGradientSession } from '../src/fit/train/resnet-train-graphs.js';
import { gradName, nextName } from '../src/fit/train/train-graphs.js';
import { resnet18Geometry, resnet18ParameterCount, type ResNet18Geometry } from '../src/models/resnet18.js';
import { channelStats, conv2d, crossEntropy, resnetLogits, type Maps, type Tensors } from './reference-resnet.js';

/** A tiny ResNet18 with random BN affine parameters and running statistics, every value f32-exact. */
function tinyNet(k: number, image: [number, number, number], classes: number, n: number, seed: number) {
  const geometry = resnet18Geometry(k, { dim: image[0] * image[1] * image[2], image, classes });
  const state = initialResNet(geometry, seed, 'pytorch');
  const rng = new Rng(seed, 77);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  for (const t of geometry.tensors) {
    const v = state.params.get(t.name) as Float64Array;
    if (t.role === 'bn-scale') v.forEach((_, i) => (v[i] = between(0.5, 1.5)));
    if (t.role === 'bn-shift' || t.role === 'linear-bias') v.forEach((_, i) => (v[i] = between(-0.3, 0.3)));
  }
  for (const [name, v] of state.running)
    v.forEach((_, i) => (v[i] = name.endsWith('running_mean') ? between(-0.5, 0.5) : between(0.3, 2)));
  const f32 = (m: Map<string, Float64Array>) => {
    for (const v of m.values()) v.forEach((x, i) => (v[i] = Math.fround(x)));
  };
  f32(state.params);
  f32(state.running);
  const x = Float64Array.from({ length: n * image[0] * image[1] * image[2] }, () => Math.fround(rng.uniform()));
  const labels = Uint8Array.from({ length: n }, () => rng.int(classes));
  return { geometry, state, x, labels, maps: { data: x, n, c: image[0], h: image[1], w: image[2] } as Maps };
}

function feeds(geometry: ResNet18Geometry, state: ResNetState, x: Float64Array, labels: Uint8Array) {
  const f: Record<string, OrtTensor> = {
    X: tensor('float32', x, [labels.length, ...geometry.image]),
    Y: oneHotFeed('float32', labels, geometry.classes),
    invBatch: tensor('float32', [1 / labels.length], []),
  };
  for (const t of geometry.tensors) f[t.name] = tensor('float32', state.params.get(t.name) as Float64Array, t.shape);
  for (const [name, v] of state.running) f[name] = tensor('float32', v, [v.length]);
  return f;
}

const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((a, x) => Math.max(a, Math.abs(x)), 0);

describe('ResNet18 graphs against the f64 reference', () => {
  const net = tinyNet(1, [3, 8, 8], 3, 4, 5);

  it('training-mode logits and loss match the reference', async () => {
    const session = await resnetGradientSession(net.geometry, 'float32');
    const out = await session.run(feeds(net.geometry, net.state, net.x, net.labels));
    const ref = resnetLogits(1, 3, net.state.params, net.maps);
    const logits = out.logits.data as Float32Array;
    // f32 rounding through ~20 layers of O(1) values: ~1e-6 relative; 1e-4 leaves room, a wrong
    // layer is off by O(1).
    expect(maxAbs(logits.map((v, i) => v - ref[i]))).toBeLessThan(1e-4 * Math.max(1, maxAbs(ref)));
    expect(Math.abs((out.loss.data as Float32Array)[0] - crossEntropy(ref, net.labels, 3))).toBeLessThan(1e-5);
  });

  it('evaluation-mode logits use the running statistics', async () => {
    const session = await resnetEvalSession(net.geometry, 'float32');
    const out = await session.run(feeds(net.geometry, net.state, net.x, net.labels));
    const ref = resnetLogits(1, 3, net.state.params, net.maps, net.state.running);
    const logits = out.logits.data as Float32Array;
    expect(maxAbs(logits.map((v, i) => v - ref[i]))).toBeLessThan(1e-4 * Math.max(1, maxAbs(ref)));
    expect(Math.abs((out.lossSum.data as Float32Array)[0] - 4 * crossEntropy(ref, net.labels, 3))).toBeLessThan(1e-4);
    // Not the training-mode logits (the batch statistics differ from the running ones).
    const train = resnetLogits(1, 3, net.state.params, net.maps);
    expect(maxAbs(logits.map((v, i) => v - train[i]))).toBeGreaterThan(1e-2);
    let correct = 0;
    for (let b = 0; b < 4; b++) {
      const row = Array.from(ref.subarray(b * 3, b * 3 + 3));
      if (row.indexOf(Math.max(...row)) === net.labels[b]) correct++;
    }
    expect((out.correct.data as Float32Array)[0]).toBe(correct);
  });

  // The f32 graph's gradients carry rounding of ~1e-6 relative per operation over a few hundred
  // terms (and BN divides by σ), so 1e-3 of each tensor's largest gradient separates rounding from a
  // wrong rule, which is off by O(1) (a stride-2 dW taken with dilation 1 fails it at ~0.5).
  // k = 1 on 8×8 maps: every coordinate; k = 2 on odd 7×5 maps (stride 2 leaves a row and a column
  // unread, the trimmed-padding and output_padding paths): a seeded sample of 12 per tensor.
  for (const [k, image, perTensor] of [
    [1, [3, 8, 8], Infinity],
    [2, [2, 7, 5], 12],
  ] as const) {
    it(`gradients of the k = ${k} net on ${image.join('×')} inputs match central differences`, async () => {
      const t = tinyNet(k, [...image], 3, 4, 9 + k);
      const session = await resnetGradientSession(t.geometry, 'float32');
      const out = await session.run(feeds(t.geometry, t.state, t.x, t.labels));
      const params: Tensors = new Map([...t.state.params].map(([n, v]) => [n, Float64Array.from(v)]));
      const f = () => crossEntropy(resnetLogits(k, 3, params, t.maps), t.labels, 3);
      const h = 1e-6;
      let worst = 0;
      let worstName = '';
      for (const tensorInfo of t.geometry.tensors) {
        const p = params.get(tensorInfo.name) as Float64Array;
        const grad = out[gradName(tensorInfo.name)].data as Float32Array;
        const scale = Math.max(1e-8, maxAbs(grad));
        const pick = new Rng(k, 78);
        for (let j = 0; j < Math.min(perTensor, p.length); j++) {
          const i = p.length <= perTensor ? j : pick.int(p.length);
          const saved = p[i];
          p[i] = saved + h;
          const up = f();
          p[i] = saved - h;
          const down = f();
          p[i] = saved;
          const err = Math.abs((up - down) / (2 * h) - grad[i]) / scale;
          if (err > worst) [worst, worstName] = [err, tensorInfo.name];
        }
      }
      expect(worst, `worst at ${worstName}`).toBeLessThan(1e-3);
    });
  }

  it('the running statistics after a training batch follow PyTorch (momentum 0.1, unbiased variance)', async () => {
    const session = await resnetGradientSession(net.geometry, 'float32');
    const out = await session.run(feeds(net.geometry, net.state, net.x, net.labels));
    // The stem's BN input is the first block's bn1 input: conv1(x), computed by the reference.
    const stem = conv2d(net.maps, net.state.params.get('conv1.weight') as Float64Array, 1, 3, 1, 1);
    const { mean, variance } = channelStats(stem);
    const m = stem.n * stem.h * stem.w;
    const before = (name: string) => (net.state.running.get(name) as Float64Array)[0];
    const after = (name: string) => (out[nextName(name)].data as Float32Array)[0];
    expect(after('layer1.0.bn1.running_mean')).toBeCloseTo(0.9 * before('layer1.0.bn1.running_mean') + 0.1 * mean[0], 5);
    expect(after('layer1.0.bn1.running_var')).toBeCloseTo(
      0.9 * before('layer1.0.bn1.running_var') + 0.1 * ((variance[0] * m) / (m - 1)),
      5,
    );
  });
});

describe('ResNet18 geometry', () => {
  it("k = 64 on 32×32×3 inputs with 10 classes has PyTorch's 11 171 146 parameters", () => {
    // sum(p.numel() for p in make_resnet18k(64).parameters()) with torch 1.13 (the model rebuilt as in
    // Nakkiran's code: PreActBlock, [2, 2, 2, 2], no final BN) is 11 171 146; k = 1: 2947, k = 2: 11 332.
    const input = { dim: 3072, image: [3, 32, 32] as const, classes: 10 };
    for (const [k, torch] of [
      [64, 11171146],
      [1, 2947],
      [2, 11332],
    ]) {
      const g = resnet18Geometry(k, input);
      const tensors = g.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
      expect(tensors).toBe(torch);
      expect(resnet18ParameterCount(k, 3, 10)).toBe(torch);
      const state = initialResNet(g, 1, 'pytorch');
      expect([...state.params.values()].reduce((a, v) => a + v.length, 0)).toBe(torch);
    }
  });

  it('has the shapes of the paper: widths k…8k, strides 1, 2, 2, 2, three projections, 4×4 final maps', () => {
    const g = resnet18Geometry(4, { dim: 3072, image: [3, 32, 32], classes: 10 });
    expect(g.blocks.map((b) => b.conv1.outChannels)).toEqual([4, 4, 8, 8, 16, 16, 32, 32]);
    expect(g.blocks.map((b) => b.conv1.stride)).toEqual([1, 1, 2, 1, 2, 1, 2, 1]);
    expect(g.blocks.map((b) => Boolean(b.shortcut))).toEqual([false, false, true, false, true, false, true, false]);
    expect(g.finalSize).toEqual([4, 4]);
    expect(g.features).toBe(32);
  });

  it('bad input gets a named error', () => {
    const image = { dim: 3072, image: [3, 32, 32] as const, classes: 10 };
    expect(() => resnet18Geometry(0, image)).toThrow(/width k must be an integer ≥ 1, got 0/);
    expect(() => resnet18Geometry(1.5, image)).toThrow(/width k must be an integer ≥ 1, got 1.5/);
    expect(() => resnet18Geometry(2, { dim: 40, classes: 10 })).toThrow(/needs image data/);
    expect(() => resnet18Geometry(2, { dim: 100, image: [3, 32, 32], classes: 10 })).toThrow(
      /image shape \(3, 32, 32\) has 3072 values but the data rows have 100/,
    );
    expect(() => resnet18Geometry(2, { dim: 3072, image: [3, 32, 32], classes: 1 })).toThrow(/at least 2 classes/);
  });
});
