// The ResNet18's three graphs, each built once per geometry and cached as a session:
//   step      forward (batch statistics) + backward + optimizer update + BN running averages:
//             parameters, optimizer state and running statistics in, updated ones out
//   gradient  forward + backward: loss, logits and gradients (tests)
//   eval      forward with the running statistics: summed loss, correct predictions and logits
import { GraphBuilder } from '../../engine/onnx-graph.js';
import { cachedSession, type EngineSettings } from '../../engine/session-cache.js';
import type { ResNet18Geometry } from '../../models/resnet18.js';
import type { Dtype } from './network-graph.js';
import { ADAM_SCALE_INPUT, emitUpdate, stateSlots, type OptimizerConfig } from './optimizer.js';
import {
  declareResNetInputs,
  emitCrossEntropy,
  emitResNetBackward,
  emitResNetForward,
  runningMeanName,
  runningVarName,
  type ResNetInputs,
} from './resnet-graph.js';
import { gradName, nextName, stateName } from './train-graphs.js';

/** The learning rate, one scalar for every tensor (the schedule and Adam's 1/(1−β1ᵗ) folded in). */
export const LR_INPUT = 'lr';

const geometryKey = (g: ResNet18Geometry): string => JSON.stringify([g.k, g.image, g.classes]);

/**
 * Forward with batch statistics, the mean cross-entropy's gradient with respect to the logits
 * (softmax − y over the batch), and the backward: what the step and gradient graphs share.
 */
function emitTrainingPass(g: GraphBuilder, geometry: ResNet18Geometry, dtype: Dtype, inputs: ResNetInputs) {
  const forward = emitResNetForward(g, geometry, dtype, inputs.x, inputs.params, 'train');
  const ce = emitCrossEntropy(g, forward.logits, inputs.y);
  const dLogits = g.node('Mul', [g.node('Sub', [g.node('Exp', [ce.logP]), ce.y]), inputs.invBatch]);
  const back = emitResNetBackward(
    g,
    geometry,
    dtype,
    forward,
    inputs.params,
    inputs.running,
    dLogits,
    inputs.invBatch,
  );
  return { forward, ce, back };
}

/** Names of every BN running statistic, in the geometry's order. */
export function runningNames(geometry: ResNet18Geometry): string[] {
  return geometry.batchNorms.flatMap((bn) => [runningMeanName(bn), runningVarName(bn)]);
}

export function resnetStepSession(
  geometry: ResNet18Geometry,
  dtype: Dtype,
  opt: OptimizerConfig,
  engine: EngineSettings = {},
) {
  return cachedSession(
    `resnet-step ${geometryKey(geometry)} ${dtype} ${JSON.stringify(opt)}`,
    () => resnetStepGraph(geometry, dtype, opt),
    engine,
  );
}

/** The step graph itself (profiling and benchmarks build their own session from it). */
export function resnetStepGraph(
  geometry: ResNet18Geometry,
  dtype: Dtype,
  opt: OptimizerConfig,
): GraphBuilder {
  const g = new GraphBuilder('resnet_step');
  const inputs = declareResNetInputs(g, geometry, dtype);
  const lr = g.input(LR_INPUT, dtype, []);
  const adamScale = opt.name === 'adam' ? g.input(ADAM_SCALE_INPUT, dtype, []) : undefined;
  const { ce, back } = emitTrainingPass(g, geometry, dtype, inputs);
  const slots = stateSlots(opt);
  for (const t of geometry.tensors) {
    const state = slots.map((slot) => g.input(stateName(slot, t.name), dtype, t.shape));
    const next = emitUpdate(g, dtype, opt, t.name, back.grads.get(t.name) as string, lr, state, adamScale);
    g.output(next.param, nextName(t.name), dtype, t.shape);
    slots.forEach((slot, i) => g.output(next.state[i], nextName(stateName(slot, t.name)), dtype, t.shape));
  }
  for (const bn of geometry.batchNorms)
    for (const name of [runningMeanName(bn), runningVarName(bn)])
      g.output(back.running.get(name) as string, nextName(name), dtype, [bn.channels]);
  g.output(g.node('Mul', [ce.lossSum, inputs.invBatch]), 'loss', dtype, []);
  return g;
}

export function resnetGradientSession(geometry: ResNet18Geometry, dtype: Dtype, engine: EngineSettings = {}) {
  return cachedSession(
    `resnet-gradient ${geometryKey(geometry)} ${dtype}`,
    () => {
      const g = new GraphBuilder('resnet_gradient');
      const inputs = declareResNetInputs(g, geometry, dtype);
      const { forward, ce, back } = emitTrainingPass(g, geometry, dtype, inputs);
      for (const t of geometry.tensors)
        g.output(back.grads.get(t.name) as string, gradName(t.name), dtype, t.shape);
      for (const bn of geometry.batchNorms)
        for (const name of [runningMeanName(bn), runningVarName(bn)])
          g.output(back.running.get(name) as string, nextName(name), dtype, [bn.channels]);
      g.output(g.node('Mul', [ce.lossSum, inputs.invBatch]), 'loss', dtype, []);
      g.output(forward.logits, 'logits', dtype, ['batch', geometry.classes]);
      return g;
    },
    engine,
  );
}

/** Evaluation mode: the summed loss and the number of correct predictions (first maximum on ties). */
export function resnetEvalSession(geometry: ResNet18Geometry, dtype: Dtype, engine: EngineSettings = {}) {
  return cachedSession(
    `resnet-eval ${geometryKey(geometry)} ${dtype}`,
    () => {
      const g = new GraphBuilder('resnet_eval');
      const inputs = declareResNetInputs(g, geometry, dtype);
      const forward = emitResNetForward(g, geometry, dtype, inputs.x, inputs.params, 'eval', inputs.running);
      const ce = emitCrossEntropy(g, forward.logits, inputs.y);
      const predicted = g.node('ArgMax', [forward.logits], { axis: 1, keepdims: 0 });
      const label = g.node('ArgMax', [ce.y], { axis: 1, keepdims: 0 });
      const hits = g.node('Cast', [g.node('Equal', [predicted, label])], {
        to: dtype === 'float32' ? 1 : 11,
      });
      g.output(ce.lossSum, 'lossSum', dtype, []);
      g.output(g.node('ReduceSum', [hits], { keepdims: 0 }), 'correct', dtype, []);
      g.output(forward.logits, 'logits', dtype, ['batch', geometry.classes]);
      return g;
    },
    engine,
  );
}
