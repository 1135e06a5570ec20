// Probes of implicit gradient regularization (Barrett & Dherin 2020): gradient descent with step h
// follows the flow of E + λ·R_IG with R_IG = (1/m)·Σᵢ(∂E/∂θᵢ)² and λ = h·m/4.
import { Rng } from '../engine/random.js';
import { parameterOwners } from '../fit/train/ensemble-plan.js';
import { sharpness } from '../fit/train/hessian.js';
import { memberDots } from '../fit/train/parameter-math.js';
import type { EnsembleTrainer } from '../fit/train/trainer.js';

export interface GradientRegularizationProbe {
  /** R_IG of the full training loss, per member. */
  rig: Float64Array;
  /** Mean over one pass of minibatches of (1/m)‖∇E_B‖²: what SGD sees (≥ rig on average). */
  rigMinibatch: Float64Array;
  /** λ = h·m/4 with h the member's base learning rate and m its parameter count. */
  lambda: Float64Array;
  /** Largest Hessian eigenvalue of the full training loss. */
  sharpness: Float64Array;
  paramNorm: Float64Array;
}

export async function probeGradientRegularization(
  trainer: EnsembleTrainer,
  options: { batchSize: number; seed: number; sharpnessIterations?: number },
): Promise<GradientRegularizationProbe> {
  const owners = parameterOwners(trainer.plan);
  const m = owners.counts;
  const full = await trainer.lossGradient();
  const rig = memberDots(full.grads, full.grads, owners).map((s, k) => s / m[k]);
  const rigMinibatch = new Float64Array(m.length);
  const order = new Rng(options.seed, 41).permutation(trainer.trainCount);
  let batches = 0;
  for (let start = 0; start < order.length; start += options.batchSize) {
    const { grads } = await trainer.lossGradient(
      order.subarray(start, Math.min(order.length, start + options.batchSize)),
    );
    memberDots(grads, grads, owners).forEach((s, k) => (rigMinibatch[k] += s / m[k]));
    batches++;
  }
  return {
    rig,
    rigMinibatch: rigMinibatch.map((s) => s / batches),
    lambda: Float64Array.from(trainer.members, (member, k) => (member.lr * m[k]) / 4),
    sharpness: await sharpness(trainer, {
      iterations: options.sharpnessIterations ?? 20,
      seed: options.seed,
    }),
    paramNorm: trainer.parameterNorms(),
  };
}

/** R_IG = (1/m)‖g‖² of a gradient (the direct definition, for checks). */
export function rigOf(gradient: ArrayLike<number>[]): number {
  let sum = 0;
  let count = 0;
  for (const t of gradient) {
    for (let i = 0; i < t.length; i++) sum += t[i] * t[i];
    count += t.length;
  }
  return sum / count;
}
