// Forward and backward passes of an ensemble as ONNX nodes, with hand-derived gradients (ONNX has
// no autodiff). Each rule is checked against central finite differences in test/train-gradients.
//
// Forward, per layer: z = x·W + b (dense) or conv3×3(x, W) + b (padding 1); h = relu(z) or tanh(z);
// CNN layers then max-pool by 2 or globally. Backward, from the loss down:
//   dense  dW = xᵀ·dz, db = Σ_batch dz, dx = dz·Wᵀ
//   conv   dW = conv(xᵀ, dzᵀ) (batch as channels), db = Σ dz, dx = convTranspose(dz, W)
//          (grouped-conv.ts; grouped layers of equal CNN members do the same with group = members)
//   conv1d on channels-last maps x (batch, L, C): the patches P = S·x, with S the constant 0/1
//          (Lₒ·K, L) matrix that picks tap k of output position o (input o·stride + k − pad, or
//          nothing in the padding), read as (batch, Lₒ, K·C); z = P·W + b with W (K·C, out).
//          dW = Pᵀ·dz over batch and positions, db = Σ dz, dP = dz·Wᵀ, dx = Sᵀ·dP.
//          (ONNX Runtime has no f64 Conv on the CPU; as matrix products the 1-D CNN runs, and is
//          checked, in f64 too. The head is a conv1d whose kernel spans the whole length.)
//   relu   dz = dh ⊙ sign(h)            (h = relu(z) ≥ 0, so sign(h) is the step function)
//   tanh   dz = dh ⊙ (1 − h²)
//   pool   dh = dp routed to the inputs that equal the window's maximum
// Gradients of block-diagonal weights are masked, so weights between members stay exactly zero.
// Stacked layers (equal members, see ensemble-plan.ts) are the same rules batched over members:
//   z = x·W + b as MatMul of (M, batch, in) by (M, in, out); dW = xᵀ·dz, dx = dz·Wᵀ per member.
// The shared first layer's output (batch, M·units) is reshaped and transposed into the stack, and
// the head's stacked logits back to (batch, M·classes), so the loss sees one layout. (The CNN's
// grouped convs keep the channel layout (batch, M·channels, h, w); only its head is stacked.)
// Segmented heads (unequal MLP members) are the dense rules per run of equal widths (segmented-dense.ts).
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import type { Conv1dGeometry, EnsemblePlan, LayerPlan } from './ensemble-plan.js';
import { hasWeightMask, weightShape } from './ensemble-plan.js';
import { fromStack, toStack } from './member-stack.js';
import { emitSegmentedDense, emitSegmentedDenseBackward } from './segmented-dense.js';
import {
  conv3x3,
  emitGroupedConv,
  emitGroupedConvInputGradient,
  emitGroupedConvWeightGradient,
} from './grouped-conv.js';

export type Dtype = 'float32' | 'float64';
export type LossKind = 'cross-entropy' | 'squared';

/** Graph value names of the parameters: weights and biases, one per layer. */
export interface ParamValues {
  w: string[];
  b: string[];
}

export interface NetworkInputs {
  x: string;
  /** One-hot targets, (batch, 1, classes): shared by all members. */
  y: string;
  /** 1 / batch size. */
  invBatch: string;
  params: ParamValues;
  /** Per layer: the mask input of block-diagonal weights, if any. */
  masks: (string | undefined)[];
}

export const weightName = (l: number): string => `w${l}`;
export const biasName = (l: number): string => `b${l}`;
export const maskName = (l: number): string => `mask${l}`;

/** Declares the graph inputs every pass needs: data, targets, parameters, masks. */
export function declareNetworkInputs(g: GraphBuilder, plan: EnsemblePlan, dtype: Dtype): NetworkInputs {
  const x =
    plan.family === 'cnn'
      ? g.input('X', dtype, ['batch', ...(plan.input.image as readonly number[])])
      : g.input('X', dtype, ['batch', plan.input.dim]);
  const y = g.input('Y', dtype, ['batch', 1, plan.input.classes]);
  const invBatch = g.input('invBatch', dtype, []);
  const params: ParamValues = { w: [], b: [] };
  const masks: (string | undefined)[] = [];
  plan.layers.forEach((layer, l) => {
    const shape = weightShape(layer);
    params.w.push(g.input(weightName(l), dtype, shape));
    params.b.push(g.input(biasName(l), dtype, [layer.outTotal]));
    masks.push(hasWeightMask(layer, plan.members.length) ? g.input(maskName(l), dtype, shape) : undefined);
  });
  return { x, y, invBatch, params, masks };
}

interface Saved {
  input: string;
  /** ReLU output (before pooling). */
  h?: string;
  /** Pooled output. */
  pooled?: string;
}

export interface Forward {
  /** (batch, members · classes) */
  logits: string;
  saved: Saved[];
}

/** Whether layer l reads a stack that the layer below did not produce (so it must build it). */
const entersStack = (plan: EnsemblePlan, l: number): boolean =>
  plan.layers[l].stacked && !(l > 0 && plan.layers[l - 1].stacked);

export function emitForward(g: GraphBuilder, plan: EnsemblePlan, x: string, params: ParamValues): Forward {
  const saved: Saved[] = [];
  let a = plan.family === 'cnn1d' ? channelsLast(g, plan, x) : x;
  const members = plan.members.length;
  plan.layers.forEach((layer, l) => {
    // The CNN's head reads the globally pooled (batch, C, 1, 1) maps as (batch, C).
    if (layer.kind === 'dense' && plan.family === 'cnn') a = g.node('Flatten', [a], { axis: 1 });
    if (entersStack(plan, l)) a = toStack(g, a, members, layer.inPerMember[0]);
    if (layer.conv1d) a = patches(g, layer, a);
    const s: Saved = { input: a };
    let z = layer.conv1d
      ? g.node('Add', [g.node('MatMul', [a, params.w[l]]), params.b[l]])
      : layer.stacked
        ? g.node('Add', [
            g.node('MatMul', [a, params.w[l]]),
            g.node('Reshape', [params.b[l], g.ints([members, 1, layer.outPerMember[0]])]),
          ])
        : layer.segmented
          ? emitSegmentedDense(g, layer, a, params.w[l], params.b[l])
          : layer.kind === 'dense'
            ? g.node('Gemm', [a, params.w[l], params.b[l]])
            : emitGroupedConv(g, a, params.w[l], params.b[l], convGeometry(plan, layer));
    if (layer.relu) {
      z = s.h = g.node(plan.activation === 'tanh' ? 'Tanh' : 'Relu', [z]);
      if (layer.pool === 'max2') {
        z = s.pooled = g.node('MaxPool', [z], { kernel_shape: [2, 2], strides: [2, 2] });
      } else if (layer.pool === 'global') {
        z = s.pooled = g.node('GlobalMaxPool', [z]);
      }
    }
    saved.push(s);
    a = z;
  });
  const top = plan.layers[plan.layers.length - 1];
  // The 1-D CNN's head outputs (batch, 1, M·classes).
  const logits = top.stacked ? fromStack(g, a) : top.conv1d ? g.node('Reshape', [a, g.ints([0, -1])]) : a;
  return { logits, saved };
}

/** The data rows (batch, C·L), channel after channel, as channels-last maps (batch, L, C). */
function channelsLast(g: GraphBuilder, plan: EnsemblePlan, x: string): string {
  const first = plan.layers[0];
  const { inLength } = first.conv1d as Conv1dGeometry;
  if (first.inTotal === 1) return g.node('Reshape', [x, g.ints([0, inLength, 1])]);
  const maps = g.node('Reshape', [x, g.ints([0, first.inTotal, inLength])]);
  return g.node('Transpose', [maps], { perm: [0, 2, 1] });
}

/** The patch matrix P = S·a of a conv1d layer, (batch, Lₒ, K·C); the head's is the flattened maps. */
function patches(g: GraphBuilder, layer: LayerPlan, a: string): string {
  const { kernel, outLength } = layer.conv1d as Conv1dGeometry;
  if (wholeLength(layer)) return g.node('Reshape', [a, g.ints([0, 1, kernel * layer.inTotal])]);
  const picked = g.node('MatMul', [selection(g, layer, a, false), a]);
  return g.node('Reshape', [picked, g.ints([0, outLength, kernel * layer.inTotal])]);
}

/** A kernel over the whole unpadded length: the patch is the flattened map, no selection needed. */
function wholeLength(layer: LayerPlan): boolean {
  const { kernel, inLength, pad } = layer.conv1d as Conv1dGeometry;
  return kernel === inLength && pad === 0;
}

/**
 * S of a conv1d layer, (Lₒ·K, L): row o·K + k picks input o·stride + k − pad (a zero row in the
 * padding). Transposed: Sᵀ, which sums each patch gradient back onto the inputs it was taken from.
 * Built in f64 and cast like `like` (the graph's precision).
 */
function selection(g: GraphBuilder, layer: LayerPlan, like: string, transposed: boolean): string {
  const { kernel, stride, pad, inLength, outLength } = layer.conv1d as Conv1dGeometry;
  const rows = outLength * kernel;
  const values = new Array<number>(rows * inLength).fill(0);
  for (let o = 0; o < outLength; o++)
    for (let k = 0; k < kernel; k++) {
      const i = o * stride + k - pad;
      if (i < 0 || i >= inLength) continue;
      const r = o * kernel + k;
      values[transposed ? i * rows + r : r * inLength + i] = 1;
    }
  const dims = transposed ? [inLength, rows] : [rows, inLength];
  return g.node('CastLike', [g.constant('float64', dims, values), like]);
}

export interface LossSum {
  /** The logits as (batch, members, classes). */
  out: string;
  /** Per-member loss summed over the batch, (members). */
  sum: string;
  /** dSum/dOut up to the squared loss's factor 2: softmax − y, or out − y (emitted when called). */
  residual: () => string;
}

/**
 * The one in-graph loss: softmax cross-entropy, or squared loss summed over classes, per member
 * and summed over the batch (training averages it, evaluation accumulates it over chunks).
 */
export function emitLossSum(
  g: GraphBuilder,
  plan: EnsemblePlan,
  kind: LossKind,
  logits: string,
  y: string,
): LossSum {
  const out = g.node('Reshape', [logits, g.ints([0, plan.members.length, plan.input.classes])]);
  const perMember = (t: string) => g.node('ReduceSum', [t, g.ints([0, 2])], { keepdims: 0 });
  if (kind === 'cross-entropy') {
    const logP = g.node('LogSoftmax', [out], { axis: 2 });
    const sum = g.node('Neg', [perMember(g.node('Mul', [y, logP]))]);
    return { out, sum, residual: () => g.node('Sub', [g.node('Exp', [logP]), y]) };
  }
  const diff = g.node('Sub', [out, y]);
  return { out, sum: perMember(g.node('Mul', [diff, diff])), residual: () => diff };
}

export interface LossOutputs {
  /** Per-member mean loss over the batch, (members). */
  loss: string;
  /** dLoss/dlogits, (batch, members · classes). */
  dLogits: string;
}

/**
 * The loss of emitLossSum averaged over the batch, one value per member (the members' losses are
 * independent, so the sum's gradient is each one's own), and its gradient with respect to the logits.
 */
export function emitLoss(
  g: GraphBuilder,
  plan: EnsemblePlan,
  dtype: Dtype,
  kind: LossKind,
  logits: string,
  inputs: Pick<NetworkInputs, 'y' | 'invBatch'>,
): LossOutputs {
  const terms = emitLossSum(g, plan, kind, logits, inputs.y);
  const loss = g.node('Mul', [terms.sum, inputs.invBatch]);
  const scale =
    kind === 'cross-entropy' ? inputs.invBatch : g.node('Mul', [inputs.invBatch, g.scalar(dtype, 2)]);
  const dOut = g.node('Mul', [terms.residual(), scale]);
  const width = plan.members.length * plan.input.classes;
  return { loss, dLogits: g.node('Reshape', [dOut, g.ints([0, width])]) };
}

export interface Gradients {
  /** dLoss/dW per layer ('' for layers in `deferWeightGradient`). */
  w: string[];
  b: string[];
  /** Per layer: the input and dLoss/dz, from which a caller may fuse dW into the update. */
  input: string[];
  dz: string[];
}

export function emitBackward(
  g: GraphBuilder,
  plan: EnsemblePlan,
  dtype: Dtype,
  forward: Forward,
  params: ParamValues,
  masks: (string | undefined)[],
  dLogits: string,
  deferWeightGradient: ReadonlySet<number> = new Set(),
): Gradients {
  const grads: Gradients = { w: [], b: [], input: [], dz: [] };
  const top = plan.layers.length - 1;
  const members = plan.members.length;
  let dOut = plan.layers[top].stacked
    ? toStack(g, dLogits, members, plan.input.classes)
    : plan.layers[top].conv1d
      ? g.node('Reshape', [dLogits, g.ints([0, 1, -1])])
      : dLogits;
  for (let l = top; l >= 0; l--) {
    const layer = plan.layers[l];
    const s = forward.saved[l];
    let dz = dOut;
    if (layer.relu) {
      const h = s.h as string;
      let dh = dOut;
      if (layer.pool === 'max2') {
        const up = (t: string) => upsample2(g, t);
        const isMax = g.node('Equal', [h, up(s.pooled as string)]);
        dh = g.node('Where', [isMax, up(dOut), g.scalar(dtype, 0)]);
      } else if (layer.pool === 'global') {
        const isMax = g.node('Equal', [h, s.pooled as string]);
        dh = g.node('Where', [isMax, dOut, g.scalar(dtype, 0)]);
      }
      const slope =
        plan.activation === 'tanh'
          ? g.node('Sub', [g.scalar(dtype, 1), g.node('Mul', [h, h])])
          : g.node('Sign', [h]);
      dz = g.node('Mul', [dh, slope]);
    }
    let dW = '';
    let db: string;
    if (layer.conv1d) {
      const { kernel, outLength, inLength } = layer.conv1d;
      const taps = kernel * layer.inTotal;
      // Batch and positions as one axis: dW = Pᵀ·dz is one Gemm.
      const rows = (t: string, cols: number) => g.node('Reshape', [t, g.ints([-1, cols])]);
      if (!deferWeightGradient.has(l))
        dW = g.node('Gemm', [rows(s.input, taps), rows(dz, layer.outTotal)], { transA: 1 });
      db = g.node('ReduceSum', [dz, g.ints([0, 1])], { keepdims: 0 });
      if (l > 0) {
        const dPatches = g.node('MatMul', [dz, g.node('Transpose', [params.w[l]])]);
        dOut = wholeLength(layer)
          ? g.node('Reshape', [dPatches, g.ints([0, inLength, layer.inTotal])])
          : g.node('MatMul', [
              selection(g, layer, dPatches, true),
              g.node('Reshape', [dPatches, g.ints([0, outLength * kernel, layer.inTotal])]),
            ]);
      }
    } else if (layer.stacked) {
      const swap = (t: string) => g.node('Transpose', [t], { perm: [0, 2, 1] });
      if (!deferWeightGradient.has(l)) dW = g.node('MatMul', [swap(s.input), dz]);
      db = g.node('Reshape', [g.node('ReduceSum', [dz, g.ints([1])], { keepdims: 0 }), g.ints([-1])]);
      if (l > 0) {
        dOut = g.node('MatMul', [dz, swap(params.w[l])]);
        if (entersStack(plan, l)) dOut = fromStack(g, dOut);
      }
    } else if (layer.segmented) {
      const wanted = { weights: !deferWeightGradient.has(l), input: l > 0 };
      const back = emitSegmentedDenseBackward(g, layer, s.input, params.w[l], dz, wanted);
      dW = back.dW ?? '';
      db = g.node('ReduceSum', [dz, g.ints([0])], { keepdims: 0 });
      if (back.dx) dOut = back.dx;
    } else if (layer.kind === 'dense') {
      if (!deferWeightGradient.has(l)) dW = g.node('Gemm', [s.input, dz], { transA: 1 });
      db = g.node('ReduceSum', [dz, g.ints([0])], { keepdims: 0 });
      if (l > 0) dOut = g.node('Gemm', [dz, params.w[l]], { transB: 1 });
    } else {
      // Batch as channels (per group): dW[o, i] = Σ_batch,pixels x[b, i, shifted] · dz[b, o].
      const conv = convGeometry(plan, layer);
      const inputs = layer.grouped ? layer.inPerMember[0] : layer.inTotal;
      const outputs = layer.grouped ? layer.outPerMember[0] : layer.outTotal;
      dW = emitGroupedConvWeightGradient(g, s.input, dz, conv, inputs, outputs, plan.spatial[l]);
      db = g.node('ReduceSum', [dz, g.ints([0, 2, 3])], { keepdims: 0 });
      if (l > 0) dOut = emitGroupedConvInputGradient(g, dz, params.w[l], conv, plan.spatial[l]);
    }
    if (masks[l] && dW) dW = g.node('Mul', [dW, masks[l] as string]);
    grads.w[l] = dW;
    grads.b[l] = db;
    grads.input[l] = s.input;
    grads.dz[l] = dz;
    // The CNN's head read flattened maps: give its input gradient their (batch, C, 1, 1) shape back.
    if (layer.kind === 'dense' && plan.family === 'cnn' && l > 0) {
      dOut = g.node('Reshape', [dOut, g.ints([0, -1, 1, 1])]);
    }
  }
  return grads;
}

/** The CNN's 3×3 convolution: grouped by member where the plan says so (ensemble-plan.ts). */
function convGeometry(plan: EnsemblePlan, layer: LayerPlan) {
  return conv3x3(layer.grouped ? plan.members.length : 1);
}

/**
 * Each pixel of (batch, C, h/2, w/2) repeated over its 2×2 window: (batch, C, h, w). Nearest-
 * neighbour Resize with output pixel i reading input ⌊i/2⌋ copies values exactly; it is about 5×
 * faster in ONNX Runtime than Expand over a 6-D view (measured 17 vs 88 ms for 128×24×16×16).
 */
function upsample2(g: GraphBuilder, t: string): string {
  // Resize's scales are float32 whatever the data's type; '' leaves out its optional roi input.
  return g.node('Resize', [t, '', g.constant('float32', [4], [1, 1, 2, 2])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}
