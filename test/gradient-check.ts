// Gradient checks of the training engine: a network's graph gradients against central differences
// of the independent f64 reference network (test/reference-network.ts).
import { Rng } from '../src/engine/random.js';
import { ensemblePlan, type NetworkShape as Shape } from '../src/fit/train/ensemble-plan.js';
import { initialParameters, memberParameters, type Parameters } from '../src/fit/train/initialize.js';
import type { LossKind } from '../src/fit/train/network-graph.js';
import {
  EnsembleTrainer,
  type Member,
  type TrainingData,
  type TrainSettings,
} from '../src/fit/train/trainer.js';
import { referenceLoss, referenceNet } from './reference-network.js';

/**
 * Compares the graph's gradients of member m with central differences of the reference loss at
 * up to `perTensor` coordinates of each tensor (all of them by default; a seeded sample of larger
 * tensors otherwise). Returns the worst error relative to the tensor's largest gradient.
 */
export function worstGradientError(
  trainer: EnsembleTrainer,
  grads: Parameters,
  data: TrainingData,
  m: number,
  loss: LossKind,
  perTensor = Infinity,
): number {
  const plan = trainer.plan;
  const net = referenceNet(plan, m);
  const p = memberParameters(plan, trainer.parameters(), m);
  const g = memberParameters(plan, grads, m);
  const x = Float64Array.from(data.xTrain);
  const f = () => referenceLoss(net, p, x, data.labelsTrain, data.input.dim, loss);
  const h = 1e-6;
  const rng = new Rng(5, 5);
  let worst = 0;
  for (const kind of ['w', 'b'] as const) {
    p[kind].forEach((tensor, l) => {
      const scale = Math.max(1e-12, ...g[kind][l].map(Math.abs));
      for (let t = 0; t < Math.min(perTensor, tensor.length); t++) {
        const i = tensor.length <= perTensor ? t : rng.int(tensor.length);
        const saved = tensor[i];
        tensor[i] = saved + h;
        const up = f();
        tensor[i] = saved - h;
        const down = f();
        tensor[i] = saved;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - g[kind][l][i]) / scale);
      }
    });
  }
  return worst;
}

/**
 * A trainer at the seeded initialisation with random biases: zero biases can put a ReLU exactly at
 * its kink (a dead unit feeding the next layer), where finite differences see half a step.
 */
export async function trainerWithBiases(
  members: { shape: Shape; seed: number; lr: number }[],
  data: TrainingData,
  s: TrainSettings,
): Promise<EnsembleTrainer> {
  const plan = ensemblePlan(
    members.map((m) => m.shape),
    data.input,
  );
  const p = initialParameters(
    plan,
    members.map((m) => m.seed),
    s.init,
  );
  const rng = new Rng(7, 7);
  p.b.forEach((b) => rng.fillNormal(b, 0, 0.1));
  return EnsembleTrainer.create(members, data, s, p);
}

/**
 * One network at its seeded 'he' start with biases drawn from N(0, 0.3²) (stream 3, 3): no ReLU
 * sits at its kink, which central differences need.
 */
export async function tinyTrainer(
  net: Member,
  data: TrainingData,
  s: TrainSettings,
): Promise<EnsembleTrainer> {
  const p = initialParameters(ensemblePlan([net.shape], data.input), [net.seed], 'he');
  const rng = new Rng(3, 3);
  p.b.forEach((b) => rng.fillNormal(b, 0, 0.3));
  return EnsembleTrainer.create([net], data, s, p);
}
