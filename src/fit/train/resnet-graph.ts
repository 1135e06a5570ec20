// Forward and hand-derived backward of the pre-activation ResNet18 (src/models/resnet18.ts) as ONNX
// nodes, float32 (ONNX Runtime has no f64 Conv on the CPU). Checked against central differences of
// an independent f64 reference in test/resnet18.test.ts. Backward rules:
//   conv   z = conv(a, W; stride s, padding p)
//          dW = conv(aᵀ, dzᵀ; dilation s) with batch and channels swapped: the dz maps act as a
//               kernel whose taps are s apart, so output tap (u, v) sums a[s·y + u − p, s·x + v − p]·dz[y, x];
//               the end padding is trimmed so exactly K×K taps come out
//          dx = convTranspose(dz, W; stride s, padding p, output_padding) back to the input's size
//   bn     see batch-norm.ts;  relu  dz = dh ⊙ sign(h)  (h = relu(z) ≥ 0)
//   add    out = f(a) + shortcut: the gradient flows to both; where a value forks (x into bn1 and the
//          identity shortcut, a into conv1 and the projection), the gradients add
//   pool   dmaps = dpooled / (h·w) on every pixel;  linear  dW = dlogitsᵀ·pooled, db = Σ dlogits,
//          dpooled = dlogits·W;  loss  dlogits = (softmax − y)/N
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import type { BatchNormGeometry, ConvGeometry, ResNet18Geometry } from '../../models/resnet18.js';
import {
  emitBatchNormBackward,
  emitBatchNormEval,
  emitBatchNormTrain,
  emitRunningUpdate,
  type BatchNormSaved,
} from './batch-norm.js';
import type { Dtype } from './network-graph.js';

export const runningMeanName = (bn: BatchNormGeometry): string => `${bn.name}.running_mean`;
export const runningVarName = (bn: BatchNormGeometry): string => `${bn.name}.running_var`;

/** Graph values of the learned tensors and the BN running statistics, by PyTorch name. */
export type Values = Map<string, string>;

export interface ResNetInputs {
  /** (batch, C, H, W) */
  x: string;
  /** One-hot targets (batch, 1, classes), as oneHotFeed gives them. */
  y: string;
  /** 1 / batch size. */
  invBatch: string;
  params: Values;
  /** running_mean and running_var of every BN. */
  running: Values;
}

/** Declares data, targets, every learned tensor and every BN's running statistics. */
export function declareResNetInputs(g: GraphBuilder, geometry: ResNet18Geometry, dtype: Dtype): ResNetInputs {
  const x = g.input('X', dtype, ['batch', ...geometry.image]);
  const y = g.input('Y', dtype, ['batch', 1, geometry.classes]);
  const invBatch = g.input('invBatch', dtype, []);
  const params: Values = new Map(geometry.tensors.map((t) => [t.name, g.input(t.name, dtype, t.shape)]));
  const running: Values = new Map();
  for (const bn of geometry.batchNorms) {
    running.set(runningMeanName(bn), g.input(runningMeanName(bn), dtype, [bn.channels]));
    running.set(runningVarName(bn), g.input(runningVarName(bn), dtype, [bn.channels]));
  }
  return { x, y, invBatch, params, running };
}

function emitConv(g: GraphBuilder, conv: ConvGeometry, x: string, w: string): string {
  const { kernel, stride, pad } = conv;
  return g.node('Conv', [x, w], {
    kernel_shape: [kernel, kernel],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
  });
}

/** dW and (unless `needDx` is false) dx of a convolution whose input was `input`. */
function emitConvBackward(
  g: GraphBuilder,
  conv: ConvGeometry,
  input: string,
  dz: string,
  w: string,
  needDx: boolean,
): { dW: string; dx?: string } {
  const { kernel, stride, pad, inSize, outSize } = conv;
  // Rows of the input beyond the last one a kernel tap reads: (n + 2p − K) mod s of them, taken off
  // the end padding (and off the input itself where that padding is smaller).
  const unused = inSize.map((n) => (n + 2 * pad - kernel) % stride);
  const endPads = unused.map((r) => pad - r);
  let a = input;
  if (endPads.some((e) => e < 0)) {
    const ends = inSize.map((n, i) => n + Math.min(0, endPads[i]));
    a = g.node('Slice', [a, g.ints([0, 0]), g.ints(ends), g.ints([2, 3])]);
  }
  const swap = (t: string) => g.node('Transpose', [t], { perm: [1, 0, 2, 3] });
  const dW = swap(
    g.node('Conv', [swap(a), swap(dz)], {
      dilations: [stride, stride],
      pads: [pad, pad, Math.max(0, endPads[0]), Math.max(0, endPads[1])],
    }),
  );
  if (!needDx) return { dW };
  // ConvTranspose gives s·(n_out − 1) + K − 2p rows; output_padding adds the unused ones back.
  const outputPadding = inSize.map((n, i) => n - (stride * (outSize[i] - 1) + kernel - 2 * pad));
  const dx = g.node('ConvTranspose', [dz, w], {
    kernel_shape: [kernel, kernel],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
    ...(outputPadding.some((v) => v !== 0) ? { output_padding: outputPadding } : {}),
  });
  return { dW, dx };
}

/** Batch norm in training mode (saved for the backward) or evaluation mode (running statistics). */
type Normalizer = (bn: BatchNormGeometry, x: string) => string;

interface BlockTape {
  input: string;
  bn1: BatchNormSaved;
  /** relu(bn1(x)): the input of conv1 and of the projection. */
  a: string;
  bn2: BatchNormSaved;
  /** relu(bn2(conv1(a))): the input of conv2. */
  b: string;
}

export interface ResNetForward {
  /** (batch, classes) */
  logits: string;
  /** Training mode only: what the backward needs. */
  blocks: BlockTape[];
  pooled: string;
  /** The data, input of the stem. */
  input: string;
}

/**
 * The forward pass: `mode` 'train' normalizes with the batch's statistics (and saves what the
 * backward and the running update need), 'eval' with the running statistics in `running`.
 */
export function emitResNetForward(
  g: GraphBuilder,
  geometry: ResNet18Geometry,
  dtype: Dtype,
  x: string,
  params: Values,
  mode: 'train' | 'eval',
  running?: Values,
): ResNetForward {
  const p = (name: string) => params.get(name) as string;
  const tapes: BlockTape[] = [];
  const saved = new Map<string, BatchNormSaved>();
  const normalize: Normalizer = (bn, t) => {
    const gamma = p(`${bn.name}.weight`);
    const beta = p(`${bn.name}.bias`);
    if (mode === 'eval') {
      const r = running as Values;
      return emitBatchNormEval(g, dtype, t, gamma, beta, r.get(runningMeanName(bn)) as string, r.get(runningVarName(bn)) as string);
    }
    const s = emitBatchNormTrain(g, dtype, t, gamma, beta);
    saved.set(bn.name, s);
    return s.y;
  };
  let out = emitConv(g, geometry.stem, x, p(geometry.stem.weight));
  for (const block of geometry.blocks) {
    const input = out;
    const a = g.node('Relu', [normalize(block.bn1, input)]);
    const shortcut = block.shortcut ? emitConv(g, block.shortcut, a, p(block.shortcut.weight)) : input;
    const h = emitConv(g, block.conv1, a, p(block.conv1.weight));
    const b = g.node('Relu', [normalize(block.bn2, h)]);
    out = g.node('Add', [emitConv(g, block.conv2, b, p(block.conv2.weight)), shortcut]);
    if (mode === 'train')
      tapes.push({
        input,
        bn1: saved.get(block.bn1.name) as BatchNormSaved,
        a,
        bn2: saved.get(block.bn2.name) as BatchNormSaved,
        b,
      });
  }
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [out])], { axis: 1 });
  const logits = g.node('Gemm', [pooled, p('linear.weight'), p('linear.bias')], { transB: 1 });
  return { logits, blocks: tapes, pooled, input: x };
}

export interface CrossEntropy {
  /** Σ over the batch of −log softmax(logits)[label], a scalar. */
  lossSum: string;
  logP: string;
  /** (batch, classes) */
  y: string;
}

/** Softmax cross-entropy summed over the batch; Y comes in as (batch, 1, classes). */
export function emitCrossEntropy(g: GraphBuilder, logits: string, yOneHot: string): CrossEntropy {
  const y = g.node('Reshape', [yOneHot, g.ints([0, -1])]);
  const logP = g.node('LogSoftmax', [logits], { axis: 1 });
  const lossSum = g.node('Neg', [g.node('ReduceSum', [g.node('Mul', [y, logP])], { keepdims: 0 })]);
  return { lossSum, logP, y };
}

export interface ResNetBackward {
  /** dLoss/dθ of every learned tensor, by name. */
  grads: Values;
  /** The running statistics after this batch, by name. */
  running: Values;
}

/**
 * The backward pass from dLoss/dlogits, and the BN running averages after the batch (`running` in:
 * the ones before it). `invBatch` is 1/N, from which each BN's 1/(N·h·w) follows.
 */
export function emitResNetBackward(
  g: GraphBuilder,
  geometry: ResNet18Geometry,
  dtype: Dtype,
  forward: ResNetForward,
  params: Values,
  running: Values,
  dLogits: string,
  invBatch: string,
): ResNetBackward {
  const p = (name: string) => params.get(name) as string;
  const grads: Values = new Map();
  const nextRunning: Values = new Map();
  const invCount = (size: [number, number]) => g.node('Mul', [invBatch, g.scalar(dtype, 1 / (size[0] * size[1]))]);
  const bnBackward = (bn: BatchNormGeometry, saved: BatchNormSaved, dy: string): string => {
    const inv = invCount(bn.size);
    const r = emitBatchNormBackward(g, saved, dy, inv);
    grads.set(`${bn.name}.weight`, r.dGamma);
    grads.set(`${bn.name}.bias`, r.dBeta);
    const next = emitRunningUpdate(
      g,
      dtype,
      saved,
      running.get(runningMeanName(bn)) as string,
      running.get(runningVarName(bn)) as string,
      inv,
    );
    nextRunning.set(runningMeanName(bn), next.mean);
    nextRunning.set(runningVarName(bn), next.variance);
    return r.dx;
  };
  const reluBackward = (h: string, dh: string) => g.node('Mul', [dh, g.node('Sign', [h])]);

  grads.set('linear.weight', g.node('Gemm', [dLogits, forward.pooled], { transA: 1 }));
  grads.set('linear.bias', g.node('ReduceSum', [dLogits, g.ints([0])], { keepdims: 0 }));
  const [fh, fw] = geometry.finalSize;
  const dPooled = g.node('Mul', [g.node('Gemm', [dLogits, p('linear.weight')]), g.scalar(dtype, 1 / (fh * fw))]);
  let dOut = g.node('Expand', [g.node('Reshape', [dPooled, g.ints([0, -1, 1, 1])]), g.ints([1, 1, fh, fw])]);

  for (let i = geometry.blocks.length - 1; i >= 0; i--) {
    const block = geometry.blocks[i];
    const tape = forward.blocks[i];
    const conv2 = emitConvBackward(g, block.conv2, tape.b, dOut, p(block.conv2.weight), true);
    grads.set(block.conv2.weight, conv2.dW);
    const dh = bnBackward(block.bn2, tape.bn2, reluBackward(tape.b, conv2.dx as string));
    const conv1 = emitConvBackward(g, block.conv1, tape.a, dh, p(block.conv1.weight), true);
    grads.set(block.conv1.weight, conv1.dW);
    let da = conv1.dx as string;
    if (block.shortcut) {
      const proj = emitConvBackward(g, block.shortcut, tape.a, dOut, p(block.shortcut.weight), true);
      grads.set(block.shortcut.weight, proj.dW);
      da = g.node('Add', [da, proj.dx as string]);
    }
    const dx = bnBackward(block.bn1, tape.bn1, reluBackward(tape.a, da));
    dOut = block.shortcut ? dx : g.node('Add', [dx, dOut]);
  }
  // The stem reads the data: only its weight gradient is needed.
  grads.set(geometry.stem.weight, emitConvBackward(g, geometry.stem, forward.input, dOut, '', false).dW);
  return { grads, running: nextRunning };
}
