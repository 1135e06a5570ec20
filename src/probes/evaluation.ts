// Loss and zero-one error of every member on a labelled split, computed in the graph: per chunk of
// points only 2·members numbers come back (summed loss, correct predictions) instead of every logit.
import { Tensor } from '../engine/ort.js';
import { GraphBuilder } from '../engine/onnx-graph.js';
import { cachedSession, type EngineSettings } from '../engine/session-cache.js';
import { weightShape, type EnsemblePlan } from '../fit/train/ensemble-plan.js';
import { inputDims, oneHotFeed, parameterFeeds, type Floats } from '../fit/train/graph-tensors.js';
import {
  biasName,
  emitForward,
  emitLossSum,
  weightName,
  type Dtype,
  type LossKind,
} from '../fit/train/network-graph.js';
import { layoutKey } from '../fit/train/train-graphs.js';
import type { Split, TrainedNetworks } from '../fit/train/trained-networks.js';

const EVAL_CHUNK = 2048;

export interface LossAndError {
  /** Mean loss per member. */
  loss: Float64Array;
  /** Zero-one error per member. */
  error: Float64Array;
}

/** Mean loss and zero-one error of every member on the training or test split. */
export async function lossAndError(nets: TrainedNetworks, which: Split): Promise<LossAndError> {
  const { plan } = nets;
  const { dtype, loss: kind } = nets.settings;
  const { x, labels } = nets.split(which);
  const dim = plan.input.dim;
  const session = await evaluationSession(plan, dtype, kind, nets.settings.engine);
  const params = parameterFeeds(plan, dtype, nets.parameters());
  const members = plan.members.length;
  const lossSum = new Float64Array(members);
  const correct = new Float64Array(members);
  const n = labels.length;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, n - start);
    const out = await session.run({
      ...params,
      X: new Tensor(dtype, x.subarray(start * dim, (start + size) * dim), inputDims(plan, size)),
      Y: oneHotFeed(dtype, labels.subarray(start, start + size), plan.input.classes),
    });
    (out.lossSum.data as Floats).forEach((v, m) => (lossSum[m] += v));
    (out.correct.data as Floats).forEach((v, m) => (correct[m] += v));
  }
  return { loss: lossSum.map((v) => v / n), error: correct.map((v) => (n - v) / n) };
}

/**
 * The evaluation graph: per member, the summed loss (emitLossSum, the training loss itself) and the
 * number of correct predictions (arg-max of the logits, first maximum on ties) over a chunk.
 */
export function evaluationSession(
  plan: EnsemblePlan,
  dtype: Dtype,
  loss: LossKind,
  engine: EngineSettings = {},
) {
  return cachedSession(
    `evaluation ${layoutKey(plan)} ${dtype} ${loss}`,
    () => {
      const g = new GraphBuilder('evaluation');
      const x =
        plan.family === 'cnn'
          ? g.input('X', dtype, ['batch', ...(plan.input.image as readonly number[])])
          : g.input('X', dtype, ['batch', plan.input.dim]);
      const y = g.input('Y', dtype, ['batch', 1, plan.input.classes]);
      const params = {
        w: plan.layers.map((layer, l) => g.input(weightName(l), dtype, weightShape(layer))),
        b: plan.layers.map((layer, l) => g.input(biasName(l), dtype, [layer.outTotal])),
      };
      const forward = emitForward(g, plan, x, params);
      const { out, sum } = emitLossSum(g, plan, loss, forward.logits, y);
      const predicted = g.node('ArgMax', [out], { axis: 2, keepdims: 0 });
      const label = g.node('ArgMax', [y], { axis: 2, keepdims: 0 });
      const hits = g.node('Cast', [g.node('Equal', [predicted, label])], {
        to: dtype === 'float32' ? 1 : 11,
      });
      g.output(sum, 'lossSum', dtype, [plan.members.length]);
      g.output(g.node('ReduceSum', [hits, g.ints([0])], { keepdims: 0 }), 'correct', dtype, [
        plan.members.length,
      ]);
      return g;
    },
    engine,
  );
}
