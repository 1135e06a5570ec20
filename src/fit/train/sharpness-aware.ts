// Sharpness-aware minimization (SAM; Foret et al. 2020, arXiv 2010.01412): instead of the gradient
// at θ, the optimizer gets the gradient at the (first-order) worst point of the ρ-ball around θ:
//   g = ∇E(θ),  ε = ρ·g/‖g‖,  step with ∇E(θ + ε)
// on the same batch, so a step costs two forward/backward passes instead of one. The base optimizer
// (SGD, momentum, Adam, weight decay) is unchanged and still updates θ, not θ + ε, as in the
// authors' implementation. In an ensemble ‖g‖ is each member's own (every member takes the step it
// would take alone); a member whose gradient is 0 gets ε = 0 (not 0/0).
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import { memberBroadcast, type EnsemblePlan, type LayerPlan } from './ensemble-plan.js';
import {
  emitBackward,
  emitForward,
  emitLoss,
  type Dtype,
  type Gradients,
  type LossKind,
  type ParamValues,
} from './network-graph.js';

/**
 * Σ t² over a layer's weight tensor, per slot of memberBroadcast: per output unit (member-major,
 * as layer.owner), or per input row of a segmented layer.
 */
function memberSlotSquares(g: GraphBuilder, layer: LayerPlan, t: string): string {
  const sq = g.node('Mul', [t, t]);
  if (layer.stacked)
    return g.node('Reshape', [g.node('ReduceSum', [sq, g.ints([1])], { keepdims: 0 }), g.ints([-1])]);
  // Weights are dense (in, out), conv1d (K·in, out), conv (out, in, 3, 3): sum all but the slot axis.
  const axes = layer.segmented ? [1] : layer.kind === 'conv' ? [1, 2, 3] : [0];
  return g.node('ReduceSum', [sq, g.ints(axes)], { keepdims: 0 });
}

/** The (slots × members) matrix that sums per-slot values into their members. */
function oneHot(g: GraphBuilder, dtype: Dtype, owner: Int32Array, members: number): string {
  const values = new Array<number>(owner.length * members).fill(0);
  owner.forEach((m, i) => (values[i * members + m] = 1));
  return g.constant(dtype, [owner.length, members], values);
}

export function emitSharpnessAwareGradients(
  g: GraphBuilder,
  plan: EnsemblePlan,
  dtype: Dtype,
  loss: LossKind,
  batch: { x: string; y: string; invBatch: string },
  params: ParamValues,
  masks: (string | undefined)[],
  grads: Gradients,
  rho: number,
  /** Layers whose weight gradient the caller fuses into its update (see emitBackward). */
  deferWeightGradient: ReadonlySet<number>,
): Gradients {
  const members = plan.members.length;
  // ‖g‖² per member: per-slot sums, then summed into members by one-hot (slots × members) matrices.
  const perMember = plan.layers.flatMap((layer, l) => {
    const unitsToMembers = oneHot(g, dtype, layer.owner, members);
    const { owner } = memberBroadcast(layer);
    // Per output unit, the weights' slots are the biases' own: one matrix serves both.
    const slotsToMembers = owner === layer.owner ? unitsToMembers : oneHot(g, dtype, owner, members);
    return [
      g.node('MatMul', [memberSlotSquares(g, layer, grads.w[l]), slotsToMembers]),
      g.node('MatMul', [g.node('Mul', [grads.b[l], grads.b[l]]), unitsToMembers]),
    ];
  });
  const norm = g.node('Sqrt', [g.node('Sum', perMember)]);
  const zero = g.scalar(dtype, 0);
  // ρ/‖g‖, and 0 where ‖g‖ = 0 (Where picks it, so the ∞ of ρ/0 never reaches a parameter).
  const scale = g.node('Where', [
    g.node('Greater', [norm, zero]),
    g.node('Div', [g.scalar(dtype, rho), norm]),
    zero,
  ]);
  const at: ParamValues = { w: [], b: [] };
  plan.layers.forEach((layer, l) => {
    const unitScale = g.node('Gather', [scale, g.ints(Array.from(layer.owner))]);
    const { owner, shape } = memberBroadcast(layer);
    const slotScale =
      owner === layer.owner ? unitScale : g.node('Gather', [scale, g.ints(Array.from(owner))]);
    const weightScale = g.node('Reshape', [slotScale, g.ints(shape)]);
    at.w.push(g.node('Add', [params.w[l], g.node('Mul', [grads.w[l], weightScale])]));
    at.b.push(g.node('Add', [params.b[l], g.node('Mul', [grads.b[l], unitScale])]));
  });
  const forward = emitForward(g, plan, batch.x, at);
  const out = emitLoss(g, plan, dtype, loss, forward.logits, batch);
  return emitBackward(g, plan, dtype, forward, at, masks, out.dLogits, deferWeightGradient);
}
