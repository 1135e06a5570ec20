// Sharpness: the largest Hessian eigenvalue of the training loss of each member, by power
// iteration on Hessian-vector products (src/fit/train/hessian.ts).
import { Rng, Streams } from '../engine/random.js';
import { parameterOwners, weightMask } from '../fit/train/ensemble-plan.js';
import { hessianVectorProduct, type HvpOptions } from '../fit/train/hessian.js';
import type { Parameters } from '../fit/train/initialize.js';
import { mapParameters, memberDots, memberNorms } from '../fit/train/parameter-math.js';
import type { TrainedNetworks } from '../fit/train/trained-networks.js';

/**
 * Power iteration from a seeded random start (zero outside each member's block); returns the
 * Rayleigh quotients after `iterations` products.
 */
export async function sharpness(
  nets: TrainedNetworks,
  options: HvpOptions & { iterations?: number; seed?: number } = {},
): Promise<Float64Array> {
  const owners = parameterOwners(nets.plan);
  const rng = new Rng(options.seed ?? 1, Streams.sharpnessStart);
  const masks = nets.plan.layers.map((layer) => weightMask(layer, nets.plan.members.length));
  const theta = options.at ?? nets.parameters();
  let v: Parameters = {
    w: theta.w.map((t, l) => t.map((_, i) => (masks[l] && masks[l][i] === 0 ? 0 : rng.normal()))),
    b: theta.b.map((t) => t.map(() => rng.normal())),
  };
  let eigen: Float64Array = new Float64Array(owners.counts.length);
  for (let k = 0; k < (options.iterations ?? 20); k++) {
    const norms = memberNorms(v, owners);
    v = mapParameters(v, (x, m) => x / norms[m], owners);
    const hv = await hessianVectorProduct(nets, v, { ...options, at: theta });
    eigen = memberDots(v, hv, owners);
    v = hv;
  }
  return eigen;
}
