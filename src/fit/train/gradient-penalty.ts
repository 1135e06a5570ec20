// Explicit gradient regularization (Barrett & Dherin 2020): train on E + μ·R_IG with
// R_IG = (1/m)·‖∇E‖². Its gradient is ∇E + (2μ/m)·H∇E, and H∇E comes from one central difference
// of gradients inside the step graph:
//   ε = u^{1/3}·max(‖θ‖, 1)/‖g‖,  H g ≈ (∇E(θ + εg) − ∇E(θ − εg)) / 2ε
// (the step rule of hessian.ts, where the floor 1 is explained), so a step costs three
// forward/backward passes instead of one.
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import type { EnsemblePlan } from './ensemble-plan.js';
import {
  emitBackward,
  emitForward,
  emitLoss,
  type Dtype,
  type Gradients,
  type LossKind,
  type ParamValues,
} from './network-graph.js';

const UNIT_ROUNDOFF = { float32: 2 ** -24, float64: 2 ** -53 } as const;

export function emitPenalizedGradients(
  g: GraphBuilder,
  plan: EnsemblePlan,
  dtype: Dtype,
  loss: LossKind,
  batch: { x: string; y: string; invBatch: string },
  params: ParamValues,
  grads: Gradients,
  mu: number,
  parameterCount: number,
): Gradients {
  if (plan.members.length !== 1)
    throw new Error('explicit gradient regularization trains one network at a time');
  const all = (p: { w: string[]; b: string[] }) => [...p.w, ...p.b];
  const sumSquares = (p: { w: string[]; b: string[] }) =>
    g.node(
      'Sum',
      all(p).map((t) => g.node('ReduceSumSquare', [t], { keepdims: 0 })),
    );
  // max(‖θ‖, 1): a zero-initialised network still gets a finite-difference step (see hessian.ts).
  const thetaScale = g.node('Max', [g.node('Sqrt', [sumSquares(params)]), g.scalar(dtype, 1)]);
  // A zero gradient has a zero Hessian product: any finite step gives it, so keep ε finite.
  const gradNorm = g.node('Max', [g.node('Sqrt', [sumSquares(grads)]), g.scalar(dtype, 1e-30)]);
  const eps = g.node('Div', [
    g.node('Mul', [thetaScale, g.scalar(dtype, Math.cbrt(UNIT_ROUNDOFF[dtype]))]),
    gradNorm,
  ]);
  const shifted = (sign: 1 | -1): Gradients => {
    const step = sign > 0 ? eps : g.node('Neg', [eps]);
    const at: ParamValues = {
      w: params.w.map((t, l) => g.node('Add', [t, g.node('Mul', [grads.w[l], step])])),
      b: params.b.map((t, l) => g.node('Add', [t, g.node('Mul', [grads.b[l], step])])),
    };
    const forward = emitForward(g, plan, batch.x, at);
    const out = emitLoss(g, plan, dtype, loss, forward.logits, batch);
    return emitBackward(g, plan, dtype, forward, at, [], out.dLogits);
  };
  const plus = shifted(1);
  const minus = shifted(-1);
  // (2μ/m) · (g₊ − g₋) / 2ε = (μ / (m ε)) · (g₊ − g₋)
  const factor = g.node('Div', [g.scalar(dtype, mu / parameterCount), eps]);
  const penalized = (gr: string, p: string, q: string) =>
    g.node('Add', [gr, g.node('Mul', [g.node('Sub', [p, q]), factor])]);
  return {
    w: grads.w.map((gr, l) => penalized(gr, plus.w[l], minus.w[l])),
    b: grads.b.map((gr, l) => penalized(gr, plus.b[l], minus.b[l])),
    input: grads.input,
    dz: grads.dz,
  };
}
