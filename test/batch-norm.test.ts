// Batch normalization's graph (src/fit/train/batch-norm.ts) in f64 against the independent
// reference (test/reference-resnet.ts): gradients by central differences, evaluation mode with the
// running statistics, and PyTorch's running-average update.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/engine/onnx-graph.js';
import { Rng } from '../src/engine/random.js';
import { cachedSession } from '../src/engine/session-cache.js';
import {
  BN_MOMENTUM,
  emitBatchNormBackward,
  emitBatchNormEval,
  emitBatchNormTrain,
  emitRunningUpdate,
} from '../src/fit/train/batch-norm.js';
import { tensor } from '../src/fit/train/graph-tensors.js';
import { batchNorm, channelStats, normalize, type Maps } from './reference-resnet.js';

const [N, C, H, W] = [3, 4, 3, 2];
const M = N * H * W;

/** A BN-only f64 graph: y and its gradients under the loss L = Σ r ⊙ y, the running update, eval y. */
function bnSession() {
  return cachedSession('test batch-norm f64', () => {
    const g = new GraphBuilder('batch_norm');
    const x = g.input('X', 'float64', ['n', C, H, W]);
    const r = g.input('R', 'float64', ['n', C, H, W]);
    const gamma = g.input('gamma', 'float64', [C]);
    const beta = g.input('beta', 'float64', [C]);
    const rm = g.input('rm', 'float64', [C]);
    const rv = g.input('rv', 'float64', [C]);
    const invCount = g.input('invCount', 'float64', []);
    const saved = emitBatchNormTrain(g, 'float64', x, gamma, beta);
    const grads = emitBatchNormBackward(g, saved, r, invCount);
    const running = emitRunningUpdate(g, 'float64', saved, rm, rv, invCount);
    g.output(saved.y, 'Y', 'float64', ['n', C, H, W]);
    g.output(grads.dx, 'dX', 'float64', ['n', C, H, W]);
    g.output(grads.dGamma, 'dGamma', 'float64', [C]);
    g.output(grads.dBeta, 'dBeta', 'float64', [C]);
    g.output(running.mean, 'nextMean', 'float64', [C]);
    g.output(running.variance, 'nextVar', 'float64', [C]);
    g.output(emitBatchNormEval(g, 'float64', x, gamma, beta, rm, rv), 'evalY', 'float64', ['n', C, H, W]);
    return g;
  });
}

function setup() {
  const rng = new Rng(11, 1);
  const fill = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
  // Channels of different offsets and scales, so that μ and σ matter.
  const x = new Float64Array(M * C);
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < H * W; p++) x[(b * C + c) * H * W + p] = c - 1 + (c + 0.5) * (2 * rng.uniform() - 1);
  return {
    x,
    r: fill(M * C, -1, 1),
    gamma: fill(C, 0.5, 1.5),
    beta: fill(C, -0.5, 0.5),
    rm: fill(C, -1, 1),
    rv: fill(C, 0.2, 2),
  };
}

async function run(s: ReturnType<typeof setup>) {
  const session = await bnSession();
  const dims = [N, C, H, W];
  const out = await session.run({
    X: tensor('float64', s.x, dims),
    R: tensor('float64', s.r, dims),
    gamma: tensor('float64', s.gamma, [C]),
    beta: tensor('float64', s.beta, [C]),
    rm: tensor('float64', s.rm, [C]),
    rv: tensor('float64', s.rv, [C]),
    invCount: tensor('float64', [1 / M], []),
  });
  const get = (name: string) => out[name].data as Float64Array;
  return {
    y: get('Y'),
    dx: get('dX'),
    dGamma: get('dGamma'),
    dBeta: get('dBeta'),
    nextMean: get('nextMean'),
    nextVar: get('nextVar'),
    evalY: get('evalY'),
  };
}

const maps = (data: Float64Array): Maps => ({ data, n: N, c: C, h: H, w: W });

describe('batch normalization', () => {
  it('training mode: y and every coordinate of dx, dγ, dβ match the f64 reference', async () => {
    const s = setup();
    const out = await run(s);
    const loss = (x: Float64Array, gamma: Float64Array, beta: Float64Array) =>
      batchNorm(maps(x), gamma, beta).data.reduce((a, v, i) => a + v * s.r[i], 0);
    const ref = batchNorm(maps(s.x), s.gamma, s.beta).data;
    out.y.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-12));
    // Central differences with h = 1e-6 on O(1) values: O(h²) truncation and O(ε/h) ≈ 1e-10 rounding,
    // so 1e-7 of the largest gradient separates them from a wrong rule (off by O(1) — e.g. dropping
    // the path through μ or σ², checked below).
    const h = 1e-6;
    const check = (values: Float64Array, grad: Float64Array) => {
      const scale = Math.max(...grad.map(Math.abs));
      let worst = 0;
      for (let i = 0; i < values.length; i++) {
        const saved = values[i];
        values[i] = saved + h;
        const up = loss(s.x, s.gamma, s.beta);
        values[i] = saved - h;
        const down = loss(s.x, s.gamma, s.beta);
        values[i] = saved;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grad[i]) / scale);
      }
      return worst;
    };
    expect(check(s.x, out.dx)).toBeLessThan(1e-7);
    expect(check(s.gamma, out.dGamma)).toBeLessThan(1e-7);
    expect(check(s.beta, out.dBeta)).toBeLessThan(1e-7);
    // The naive rule dx = γ/σ·dy (statistics held fixed) is far off: the check can fail.
    const { variance } = channelStats(maps(s.x));
    const naive = s.r.map((v, i) => {
      const c = Math.floor(i / (H * W)) % C;
      return (v * s.gamma[c]) / Math.sqrt(variance[c] + 1e-5);
    });
    expect(check(s.x, naive)).toBeGreaterThan(0.1);
  });

  it('evaluation mode normalizes with the running statistics, not the batch', async () => {
    const s = setup();
    const out = await run(s);
    const closed = normalize(maps(s.x), s.gamma, s.beta, s.rm, s.rv).data;
    out.evalY.forEach((v, i) => expect(Math.abs(v - closed[i])).toBeLessThan(1e-12));
    const batch = batchNorm(maps(s.x), s.gamma, s.beta).data;
    expect(Math.max(...out.evalY.map((v, i) => Math.abs(v - batch[i])))).toBeGreaterThan(0.1);
  });

  it("the running averages follow PyTorch's update (momentum 0.1, unbiased batch variance)", async () => {
    const s = setup();
    const out = await run(s);
    expect(BN_MOMENTUM).toBe(0.1);
    for (let c = 0; c < C; c++) {
      const values: number[] = [];
      for (let b = 0; b < N; b++)
        for (let p = 0; p < H * W; p++) values.push(s.x[(b * C + c) * H * W + p]);
      const mean = values.reduce((a, v) => a + v, 0) / M;
      const unbiased = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (M - 1);
      expect(Math.abs(out.nextMean[c] - (0.9 * s.rm[c] + 0.1 * mean))).toBeLessThan(1e-14);
      expect(Math.abs(out.nextVar[c] - (0.9 * s.rv[c] + 0.1 * unbiased))).toBeLessThan(1e-14);
    }
  });
});
