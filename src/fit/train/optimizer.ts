// Optimizers as ONNX nodes, in PyTorch's conventions (so results compare with a PyTorch script):
//   SGD       g ← g + wd·θ;  v ← μ·v + g (if μ > 0, else v = g);  θ ← θ − lr·v
//   Adam      g ← g + wd·θ;  m ← β1·m + (1−β1)·g;  s ← β2·s + (1−β2)·g²;
//             θ ← θ − (lr / (1−β1ᵗ)) · m / (√s / √(1−β2ᵗ) + ε)
// The learning rate comes in as a tensor per parameter (one value per output unit), so ensemble
// members can have their own rates and the schedule is applied outside the graph; Adam's bias
// corrections are folded into those rates and one scalar input.
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import type { Dtype } from './network-graph.js';

export type OptimizerName = 'sgd' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam'];

export interface OptimizerConfig {
  name: OptimizerName;
  /** SGD momentum μ in [0, 1); 0 is plain SGD. */
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 weight decay added to the gradient (0: none). */
  weightDecay: number;
}

export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  name: 'sgd',
  momentum: 0,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
};

/** Names of the per-parameter state tensors the optimizer carries between steps. */
export function stateSlots(opt: OptimizerConfig): string[] {
  if (opt.name === 'adam') return ['m', 's'];
  return opt.momentum > 0 ? ['velocity'] : [];
}

/** Adam's √(1−β2ᵗ) correction as the scalar input `adamInvSqrtBc2` = 1/√(1−β2ᵗ). */
export const ADAM_SCALE_INPUT = 'adamInvSqrtBc2';

/** The learning-rate multiplier of step t (1-based) that Adam folds into lr: 1/(1−β1ᵗ). */
export function adamRateFactor(opt: OptimizerConfig, t: number): { lrFactor: number; invSqrtBc2: number } {
  return { lrFactor: 1 / (1 - opt.beta1 ** t), invSqrtBc2: 1 / Math.sqrt(1 - opt.beta2 ** t) };
}

/**
 * Emits one update of `param` with gradient `grad`; `state` holds the graph values of the slots in
 * stateSlots order. Returns the new parameter and state values.
 */
export function emitUpdate(
  g: GraphBuilder,
  dtype: Dtype,
  opt: OptimizerConfig,
  param: string,
  grad: string,
  lr: string,
  state: string[],
  adamScale?: string,
): { param: string; state: string[] } {
  const c = (v: number) => g.scalar(dtype, v);
  let gr = grad;
  if (opt.weightDecay > 0) gr = g.node('Add', [gr, g.node('Mul', [param, c(opt.weightDecay)])]);
  if (opt.name === 'adam') {
    const [m, s] = state;
    const mNext = g.node('Add', [g.node('Mul', [m, c(opt.beta1)]), g.node('Mul', [gr, c(1 - opt.beta1)])]);
    const sNext = g.node('Add', [
      g.node('Mul', [s, c(opt.beta2)]),
      g.node('Mul', [g.node('Mul', [gr, gr]), c(1 - opt.beta2)]),
    ]);
    const denom = g.node('Add', [
      g.node('Mul', [g.node('Sqrt', [sNext]), adamScale as string]),
      c(opt.epsilon),
    ]);
    const step = g.node('Mul', [g.node('Div', [mNext, denom]), lr]);
    return { param: g.node('Sub', [param, step]), state: [mNext, sNext] };
  }
  if (opt.momentum > 0) {
    const vNext = g.node('Add', [g.node('Mul', [state[0], c(opt.momentum)]), gr]);
    return { param: g.node('Sub', [param, g.node('Mul', [vNext, lr])]), state: [vNext] };
  }
  return { param: g.node('Sub', [param, g.node('Mul', [gr, lr])]), state: [] };
}
