// The top few Hessian eigenvalues of the training loss of each member, by Lanczos on Hessian-vector
// products (src/fit/lanczos.ts, src/fit/train/hessian.ts). The largest is the sharpness of
// src/probes/sharpness.ts, found in far fewer products than by power iteration (~20 against
// hundreds when the top two eigenvalues are close, as they are at the edge of stability).
import { Rng, Streams } from '../engine/random.js';
import { lanczosTop } from '../fit/lanczos.js';
import { parameterOwners, weightMask } from '../fit/train/ensemble-plan.js';
import { hessianVectorProduct, type HvpOptions } from '../fit/train/hessian.js';
import { flattenParameters, unflattenParameters } from '../fit/train/parameter-math.js';
import type { TrainedNetworks } from '../fit/train/trained-networks.js';

export interface SpectrumOptions extends HvpOptions {
  /** Lanczos steps (Hessian-vector products) per measurement. */
  steps?: number;
  /** How many of the largest eigenvalues. */
  top?: number;
  /** Seed of the random start vector. */
  seed?: number;
}

/** Per member, the `top` largest Hessian eigenvalues, decreasing. */
export async function topHessianEigenvalues(
  nets: TrainedNetworks,
  options: SpectrumOptions = {},
): Promise<Float64Array[]> {
  const owners = parameterOwners(nets.plan);
  const members = owners.counts.length;
  const theta = options.at ?? nets.parameters();
  // Group labels in the order of flattenParameters; the structural zeros between members: none (−1).
  const masks = nets.plan.layers.map((layer) => weightMask(layer, members));
  const of = Int32Array.from([
    ...owners.w.flatMap((o, l) => Array.from(o, (m, i) => (masks[l] && masks[l][i] === 0 ? -1 : m))),
    ...owners.b.flatMap((o) => Array.from(o)),
  ]);
  const rng = new Rng(options.seed ?? 1, Streams.sharpnessStart);
  const start = Float64Array.from(of, (m) => (m >= 0 ? rng.normal() : 0));
  const steps = Math.min(options.steps ?? 20, Math.max(...owners.counts));
  return lanczosTop(
    async (v) =>
      flattenParameters(
        await hessianVectorProduct(nets, unflattenParameters(v, theta), { ...options, at: theta }),
      ),
    { steps, top: options.top ?? 3, start, groups: { of, count: members } },
  );
}
