// Hessian-vector products by central differences of gradients (DESIGN.md; Karakida et al. 2023):
//   H v ≈ (∇E(θ + εv) − ∇E(θ − εv)) / 2ε,   ε = u^{1/3} · ‖θ‖ / ‖v‖   (per ensemble member)
// with u the unit roundoff of the graph's precision (2⁻²⁴ in f32, 2⁻⁵³ in f64). The step balances
// the O(ε²) truncation error against the O(u/ε) rounding error of the gradients; scaling by
// ‖θ‖/‖v‖ makes it a relative perturbation of the parameters whatever the length of v.
// Sharpness (the largest Hessian eigenvalue) follows by power iteration on these products.
import { Rng } from '../../engine/random.js';
import { parameterOwners, weightMask, type ParameterOwners } from './ensemble-plan.js';
import type { Parameters } from './initialize.js';
import { addScaled, mapParameters, memberDots, memberNorms } from './parameter-math.js';
import type { EnsembleTrainer } from './trainer.js';

const UNIT_ROUNDOFF = { float32: 2 ** -24, float64: 2 ** -53 } as const;

export interface HvpOptions {
  /** Training points of E (default: all). */
  indices?: Int32Array;
  /** Where the Hessian is taken (default: the trainer's current parameters). */
  at?: Parameters;
}

/** H·v for every member at once (members are independent, so one pair of gradients serves all). */
export async function hessianVectorProduct(
  trainer: EnsembleTrainer,
  v: Parameters,
  options: HvpOptions = {},
): Promise<Parameters> {
  const owners = parameterOwners(trainer.plan);
  const theta = options.at ?? trainer.parameters();
  const step = hvpSteps(theta, v, owners, UNIT_ROUNDOFF[trainer.settings.dtype]);
  const plus = await trainer.lossGradient(options.indices, addScaled(theta, v, step, owners));
  const minus = await trainer.lossGradient(
    options.indices,
    addScaled(
      theta,
      v,
      step.map((s) => -s),
      owners,
    ),
  );
  return addScaled(
    mapParameters(plus.grads, (g, m) => g / (2 * step[m]), owners),
    minus.grads,
    step.map((s) => -1 / (2 * s)),
    owners,
  );
}

/** ε per member: u^{1/3}·‖θ‖/‖v‖ (u^{1/3} alone when θ = 0; 0 where v = 0). */
export function hvpSteps(
  theta: Parameters,
  v: Parameters,
  owners: ParameterOwners,
  unitRoundoff: number,
): Float64Array {
  const base = Math.cbrt(unitRoundoff);
  const thetaNorms = memberNorms(theta, owners);
  const vNorms = memberNorms(v, owners);
  return thetaNorms.map((t, m) => (vNorms[m] > 0 ? (base * (t > 0 ? t : 1)) / vNorms[m] : 0));
}

/**
 * The largest Hessian eigenvalue of each member by power iteration from a seeded random start
 * (zero outside each member's block); returns the Rayleigh quotients after `iterations` products.
 */
export async function sharpness(
  trainer: EnsembleTrainer,
  options: HvpOptions & { iterations?: number; seed?: number } = {},
): Promise<Float64Array> {
  const owners = parameterOwners(trainer.plan);
  const rng = new Rng(options.seed ?? 1, 40);
  const masks = trainer.plan.layers.map((layer) => weightMask(layer, trainer.plan.members.length));
  const theta = options.at ?? trainer.parameters();
  let v: Parameters = {
    w: theta.w.map((t, l) => t.map((_, i) => (masks[l] && masks[l][i] === 0 ? 0 : rng.normal()))),
    b: theta.b.map((t) => t.map(() => rng.normal())),
  };
  let eigen: Float64Array = new Float64Array(owners.counts.length);
  for (let k = 0; k < (options.iterations ?? 20); k++) {
    const norms = memberNorms(v, owners);
    v = mapParameters(v, (x, m) => x / norms[m], owners);
    const hv = await hessianVectorProduct(trainer, v, { ...options, at: theta });
    eigen = memberDots(v, hv, owners);
    v = hv;
  }
  return eigen;
}
