// Probes of implicit gradient regularization (Barrett & Dherin 2020): gradient descent with step h
// follows the flow of E + λ·R_IG with R_IG = (1/m)·Σᵢ(∂E/∂θᵢ)² and λ = h·m/4.
import { Rng, Streams } from '../engine/random.js';
import { parameterOwners } from '../fit/train/ensemble-plan.js';
import { memberDots } from '../fit/train/parameter-math.js';
import type { EpochProbe, TrainedNetworks } from '../fit/train/trained-networks.js';
import { parameterNorms } from './parameter-norm.js';
import { sharpness } from './sharpness.js';

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
  nets: TrainedNetworks,
  options: { batchSize: number; seed: number; sharpnessIterations?: number },
): Promise<GradientRegularizationProbe> {
  const owners = parameterOwners(nets.plan);
  const m = owners.counts;
  const full = await nets.lossGradient();
  const rig = memberDots(full.grads, full.grads, owners).map((s, k) => s / m[k]);
  return {
    rig,
    rigMinibatch: await minibatchRig(nets, options.batchSize, options.seed),
    lambda: Float64Array.from(nets.members, (member, k) => (member.lr * m[k]) / 4),
    sharpness: await sharpness(nets, {
      iterations: options.sharpnessIterations ?? 20,
      seed: options.seed,
    }),
    paramNorm: parameterNorms(nets),
  };
}

export const TRAINING_PROBES = ['rig', 'sharpness'] as const;
export type TrainingProbe = (typeof TRAINING_PROBES)[number];

/**
 * An epoch probe for any training run: 'rig' logs R_IG and its minibatch estimate, 'sharpness' the
 * largest Hessian eigenvalue (20 power iterations, 40 full-batch gradients: the costly one).
 */
export function epochProbe(names: readonly TrainingProbe[], batchSize: number, seed: number): EpochProbe {
  return async (nets) => {
    const out: Record<string, Float64Array> = {};
    if (names.includes('rig')) {
      const owners = parameterOwners(nets.plan);
      const full = await nets.lossGradient();
      out.rig = memberDots(full.grads, full.grads, owners).map((s, k) => s / owners.counts[k]);
      out.rigMinibatch = await minibatchRig(nets, batchSize, seed);
    }
    if (names.includes('sharpness')) out.sharpness = await sharpness(nets, { seed });
    return out;
  };
}

async function minibatchRig(nets: TrainedNetworks, batchSize: number, seed: number): Promise<Float64Array> {
  const owners = parameterOwners(nets.plan);
  const sums = new Float64Array(owners.counts.length);
  const order = new Rng(seed, Streams.minibatchRigOrder).permutation(nets.trainCount);
  let batches = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const { grads } = await nets.lossGradient(
      order.subarray(start, Math.min(order.length, start + batchSize)),
    );
    memberDots(grads, grads, owners).forEach((s, k) => (sums[k] += s / owners.counts[k]));
    batches++;
  }
  return sums.map((s) => s / batches);
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
