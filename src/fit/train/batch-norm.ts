// Batch normalization over (N, C, H, W), per channel, as ONNX nodes, in PyTorch's conventions
// (torch.nn.BatchNorm2d: eps 1e-5, momentum 0.1). With M = N·H·W values per channel:
//   training   μ = mean(x), σ² = mean((x − μ)²) (biased), x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β
//   backward   dβ = Σ dy;  dγ = Σ dy·x̂;  dx = γ/√(σ² + ε) · (dy − (dβ + x̂·dγ)/M)
//              (the derivative through μ and σ² both: Ioffe & Szegedy 2015, eq. in §3)
//   running    r_μ ← (1 − m)·r_μ + m·μ;  r_σ² ← (1 − m)·r_σ² + m·σ²·M/(M − 1)  (unbiased, as PyTorch)
//   evaluation y = γ·(x − r_μ)/√(r_σ² + ε) + β
// Checked against central differences of an f64 reference in test/batch-norm.test.ts.
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import type { Dtype } from './network-graph.js';

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.1;

/** What the backward pass and the running update need from the training-mode forward. */
export interface BatchNormSaved {
  y: string;
  /** x̂, (N, C, H, W). */
  xHat: string;
  /** 1/√(σ² + ε), (1, C, 1, 1). */
  invStd: string;
  /** Batch mean and biased variance, (1, C, 1, 1). */
  mean: string;
  variance: string;
  /** γ as (1, C, 1, 1). */
  gamma: string;
}

const AXES = [0, 2, 3];

/** γ or β of shape (C) as (1, C, 1, 1), to broadcast over the maps. */
function perChannel(g: GraphBuilder, v: string): string {
  return g.node('Unsqueeze', [v, g.ints(AXES)]);
}

/** (1, C, 1, 1) → (C). */
function channelVector(g: GraphBuilder, v: string): string {
  return g.node('Squeeze', [v, g.ints(AXES)]);
}

/** Training-mode forward with the batch's statistics. */
export function emitBatchNormTrain(
  g: GraphBuilder,
  dtype: Dtype,
  x: string,
  gamma: string,
  beta: string,
): BatchNormSaved {
  const mean = g.node('ReduceMean', [x], { axes: AXES, keepdims: 1 });
  const centered = g.node('Sub', [x, mean]);
  const variance = g.node('ReduceMean', [g.node('Mul', [centered, centered])], { axes: AXES, keepdims: 1 });
  const invStd = g.node('Reciprocal', [
    g.node('Sqrt', [g.node('Add', [variance, g.scalar(dtype, BN_EPSILON)])]),
  ]);
  const xHat = g.node('Mul', [centered, invStd]);
  const gamma4 = perChannel(g, gamma);
  const y = g.node('Add', [g.node('Mul', [xHat, gamma4]), perChannel(g, beta)]);
  return { y, xHat, invStd, mean, variance, gamma: gamma4 };
}

export interface BatchNormGradients {
  dx: string;
  /** (C) */
  dGamma: string;
  dBeta: string;
}

/** The backward pass through μ and σ²; `invCount` is the graph value 1/M (M = N·H·W). */
export function emitBatchNormBackward(
  g: GraphBuilder,
  saved: BatchNormSaved,
  dy: string,
  invCount: string,
): BatchNormGradients {
  const dBeta4 = g.node('ReduceSum', [dy, g.ints(AXES)], { keepdims: 1 });
  const dGamma4 = g.node('ReduceSum', [g.node('Mul', [dy, saved.xHat]), g.ints(AXES)], { keepdims: 1 });
  // (dβ + x̂·dγ)/M, then scaled by γ/σ: one (1, C, 1, 1) factor for the whole map.
  const correction = g.node('Mul', [
    g.node('Add', [dBeta4, g.node('Mul', [saved.xHat, dGamma4])]),
    invCount,
  ]);
  const scale = g.node('Mul', [saved.gamma, saved.invStd]);
  const dx = g.node('Mul', [g.node('Sub', [dy, correction]), scale]);
  return { dx, dGamma: channelVector(g, dGamma4), dBeta: channelVector(g, dBeta4) };
}

/**
 * The running statistics after this batch, (C) each; `invCount` as in the backward. The unbiased
 * variance σ²·M/(M − 1) is undefined for M = 1 (PyTorch refuses such a batch; so does the trainer).
 */
export function emitRunningUpdate(
  g: GraphBuilder,
  dtype: Dtype,
  saved: BatchNormSaved,
  runningMean: string,
  runningVar: string,
  invCount: string,
  momentum = BN_MOMENTUM,
): { mean: string; variance: string } {
  const c = (v: number) => g.scalar(dtype, v);
  // M/(M − 1) = 1/(1 − 1/M).
  const unbias = g.node('Reciprocal', [g.node('Sub', [c(1), invCount])]);
  const blend = (running: string, batch: string) =>
    g.node('Add', [g.node('Mul', [running, c(1 - momentum)]), g.node('Mul', [channelVector(g, batch), c(momentum)])]);
  return {
    mean: blend(runningMean, saved.mean),
    variance: blend(runningVar, g.node('Mul', [saved.variance, unbias])),
  };
}

/** Evaluation-mode forward with the running statistics. */
export function emitBatchNormEval(
  g: GraphBuilder,
  dtype: Dtype,
  x: string,
  gamma: string,
  beta: string,
  runningMean: string,
  runningVar: string,
): string {
  // γ/√(r_σ² + ε) and β − r_μ·γ/√(r_σ² + ε) per channel, then one multiply-add over the maps.
  const scale = g.node('Div', [
    gamma,
    g.node('Sqrt', [g.node('Add', [runningVar, g.scalar(dtype, BN_EPSILON)])]),
  ]);
  const shift = g.node('Sub', [beta, g.node('Mul', [runningMean, scale])]);
  return g.node('Add', [g.node('Mul', [x, perChannel(g, scale)]), perChannel(g, shift)]);
}
