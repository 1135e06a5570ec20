// The two graphs of training, each built once per ensemble layout and cached as a session:
//   step      forward + backward + optimizer update: parameters in, updated parameters out
//   gradient  forward + backward: loss and gradients (tests, Hessian-vector products, probes)
// (The evaluation graph, per-member loss and correct predictions, is in src/probes/evaluation.ts.)
import { GraphBuilder } from '../../engine/onnx-graph.js';
import { cachedSession, type EngineSettings } from '../../engine/session-cache.js';
import { memberBroadcast, weightShape, type EnsemblePlan } from './ensemble-plan.js';
import {
  biasName,
  declareNetworkInputs,
  emitBackward,
  emitForward,
  emitLoss,
  weightName,
  type Dtype,
  type LossKind,
} from './network-graph.js';
import { emitPenalizedGradients } from './gradient-penalty.js';
import { emitSharpnessAwareGradients } from './sharpness-aware.js';
import { ADAM_SCALE_INPUT, emitUpdate, stateSlots, type OptimizerConfig } from './optimizer.js';

/**
 * The key of a layout: the members' shapes, the input, and how equal members are laid out
 * (stacked, grouped, segmented or masked); equal keys mean equal graphs.
 */
export function layoutKey(plan: EnsemblePlan): string {
  const layout = plan.layers
    .map((l) => (l.stacked ? 's' : l.grouped ? 'g' : l.segmented ? 'r' : '-'))
    .join('');
  return JSON.stringify([plan.members, plan.input, layout]);
}

export const lrWeightName = (l: number): string => `lr_${weightName(l)}`;
export const lrBiasName = (l: number): string => `lr_${biasName(l)}`;
export const stateName = (slot: string, param: string): string => `${slot}_${param}`;
export const nextName = (name: string): string => `next_${name}`;
export const gradName = (param: string): string => `grad_${param}`;

/** Input and output names of sub-step s of a multi-step graph ('' for the first). */
export const subStep = (name: string, s: number): string => (s === 0 ? name : `${name}_s${s}`);

/**
 * `steps` optimizer steps in one graph: the parameters go in once and come out once. Copying
 * parameters out of ONNX Runtime costs about as much as a step's GEMMs for a mid-size MLP, so
 * unrolling several steps per run amortizes it; the steps are the same operations in the same order.
 */
export function trainStepSession(
  plan: EnsemblePlan,
  dtype: Dtype,
  loss: LossKind,
  opt: OptimizerConfig,
  steps = 1,
  /** μ of explicit gradient regularization (0: none); see gradient-penalty.ts. */
  penalty = 0,
  engine: EngineSettings = {},
  /** ρ of sharpness-aware minimization (0: none); see sharpness-aware.ts. */
  sam = 0,
) {
  return cachedSession(
    `train-step ${layoutKey(plan)} ${dtype} ${loss} ${JSON.stringify(opt)} ${steps} ${penalty} ${sam}`,
    () => {
      const g = new GraphBuilder('train_step');
      const inputs = declareNetworkInputs(g, plan, dtype);
      const slots = stateSlots(opt);
      const shapes = plan.layers.map((layer) => ({ w: weightShape(layer), b: [layer.outTotal] }));
      // Current values of every parameter and state tensor, by input name.
      const current = new Map<string, string>();
      plan.layers.forEach((layer, l) => {
        for (const [name, shape] of [
          [weightName(l), shapes[l].w],
          [biasName(l), shapes[l].b],
        ] as const) {
          current.set(name, name);
          for (const slot of slots)
            current.set(stateName(slot, name), g.input(stateName(slot, name), dtype, shape));
        }
      });
      // Plain SGD on an unmasked dense layer: W − xᵀ·(dz ⊙ lr) as one Gemm, no dW tensor at all
      // (with SAM, x and dz of the pass at θ + ε: the first pass needs dW for ‖g‖).
      const fused = new Set(
        plan.layers.flatMap((layer, l) =>
          opt.name === 'sgd' &&
          opt.momentum === 0 &&
          opt.weightDecay === 0 &&
          penalty === 0 &&
          layer.kind === 'dense' &&
          !layer.stacked &&
          !layer.segmented &&
          !inputs.masks[l]
            ? [l]
            : [],
        ),
      );
      for (let s = 0; s < steps; s++) {
        const x =
          s === 0
            ? inputs.x
            : g.input(
                subStep('X', s),
                dtype,
                plan.family === 'cnn'
                  ? ['batch', ...(plan.input.image as readonly number[])]
                  : ['batch', plan.input.dim],
              );
        const y = s === 0 ? inputs.y : g.input(subStep('Y', s), dtype, ['batch', 1, plan.input.classes]);
        const invBatch = s === 0 ? inputs.invBatch : g.input(subStep('invBatch', s), dtype, []);
        // Adam's bias correction changes with every step.
        const adamScale = opt.name === 'adam' ? g.input(subStep(ADAM_SCALE_INPUT, s), dtype, []) : undefined;
        const params = {
          w: plan.layers.map((_, l) => current.get(weightName(l)) as string),
          b: plan.layers.map((_, l) => current.get(biasName(l)) as string),
        };
        const forward = emitForward(g, plan, x, params);
        const lossOut = emitLoss(g, plan, dtype, loss, forward.logits, { y, invBatch });
        const plain = emitBackward(
          g,
          plan,
          dtype,
          forward,
          params,
          inputs.masks,
          lossOut.dLogits,
          sam > 0 ? new Set<number>() : fused,
        );
        const grads =
          sam > 0
            ? emitSharpnessAwareGradients(
                g,
                plan,
                dtype,
                loss,
                { x, y, invBatch },
                params,
                inputs.masks,
                plain,
                sam,
                fused,
              )
            : penalty > 0
              ? emitPenalizedGradients(
                  g,
                  plan,
                  dtype,
                  loss,
                  { x, y, invBatch },
                  params,
                  plain,
                  penalty,
                  parameterTotal(plan),
                )
              : plain;
        plan.layers.forEach((layer, l) => {
          // One rate per member, broadcast over the layer's weights (the trainer feeds them so).
          const lrW = g.input(subStep(lrWeightName(l), s), dtype, memberBroadcast(layer).shape);
          const lrB = g.input(subStep(lrBiasName(l), s), dtype, [layer.outTotal]);
          if (fused.has(l)) {
            const scaled = g.node('Mul', [grads.dz[l], lrW]);
            current.set(
              weightName(l),
              g.node('Gemm', [grads.input[l], scaled, params.w[l]], {
                transA: 1,
                alpha: { float: -1 },
                beta: { float: 1 },
              }),
            );
          } else {
            update(weightName(l), grads.w[l], lrW, adamScale);
          }
          update(biasName(l), grads.b[l], lrB, adamScale);
        });
        g.output(lossOut.loss, subStep('loss', s), dtype, [plan.members.length]);
      }
      plan.layers.forEach((_, l) => {
        for (const [name, shape] of [
          [weightName(l), shapes[l].w],
          [biasName(l), shapes[l].b],
        ] as const) {
          g.output(current.get(name) as string, nextName(name), dtype, shape);
          for (const slot of slots) {
            const key = stateName(slot, name);
            g.output(current.get(key) as string, nextName(key), dtype, shape);
          }
        }
      });
      return g;

      function update(name: string, grad: string, lr: string, adamScale?: string): void {
        const state = slots.map((slot) => current.get(stateName(slot, name)) as string);
        const next = emitUpdate(g, dtype, opt, current.get(name) as string, grad, lr, state, adamScale);
        current.set(name, next.param);
        slots.forEach((slot, i) => current.set(stateName(slot, name), next.state[i]));
      }
    },
    engine,
  );
}

export function gradientSession(
  plan: EnsemblePlan,
  dtype: Dtype,
  loss: LossKind,
  engine: EngineSettings = {},
) {
  return cachedSession(
    `gradient ${layoutKey(plan)} ${dtype} ${loss}`,
    () => {
      const g = new GraphBuilder('gradient');
      const inputs = declareNetworkInputs(g, plan, dtype);
      const forward = emitForward(g, plan, inputs.x, inputs.params);
      const lossOut = emitLoss(g, plan, dtype, loss, forward.logits, inputs);
      const grads = emitBackward(g, plan, dtype, forward, inputs.params, inputs.masks, lossOut.dLogits);
      plan.layers.forEach((layer, l) => {
        g.output(grads.w[l], gradName(weightName(l)), dtype, weightShape(layer));
        g.output(grads.b[l], gradName(biasName(l)), dtype, [layer.outTotal]);
      });
      g.output(lossOut.loss, 'loss', dtype, [plan.members.length]);
      return g;
    },
    engine,
  );
}

function parameterTotal(plan: EnsemblePlan): number {
  return plan.layers.reduce(
    (sum, layer) => sum + weightShape(layer).reduce((a, b) => a * b, 1) + layer.outTotal,
    0,
  );
}
