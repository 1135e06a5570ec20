// Hessian-vector products by central differences of gradients (DESIGN.md; Karakida et al. 2023):
//   H v ≈ (∇E(θ + εv) − ∇E(θ − εv)) / 2ε,   ε = u^{1/3} · max(‖θ‖, 1) / ‖v‖   (per ensemble member)
// with u the unit roundoff of the graph's precision (2⁻²⁴ in f32, 2⁻⁵³ in f64). The step balances
// the O(ε²) truncation error against the O(u/ε) rounding error of the gradients; scaling by
// ‖θ‖/‖v‖ makes it a relative perturbation of the parameters whatever the length of v.
// The floor 1 (the usual "typical size" of finite differences, h = u^{1/3}·max(|x|, 1)): the
// gradients do not shrink with θ (at θ = 0 the output bias still has ∇E = 2(b − ȳ) = −2ȳ), so their
// rounding error stays near u·‖∇E‖ and a step shrinking with ‖θ‖ would drown in it, down to 0/0 at
// θ = 0. Inputs in [0, 1] and one-hot targets put the curvature's scale near 1; trained networks
// have ‖θ‖ ≫ 1 (He initialisation alone gives ‖θ‖² ≈ 2 per unit), where the floor is inert.
// Sharpness (the largest Hessian eigenvalue) follows by power iteration on these products
// (src/probes/sharpness.ts).
import { parameterOwners, type ParameterOwners } from './ensemble-plan.js';
import type { Parameters } from './initialize.js';
import { addScaled, mapParameters, memberNorms } from './parameter-math.js';
import type { TrainedNetworks } from './trained-networks.js';

const UNIT_ROUNDOFF = { float32: 2 ** -24, float64: 2 ** -53 } as const;

export interface HvpOptions {
  /** Training points of E (default: all). */
  indices?: Int32Array;
  /** Where the Hessian is taken (default: the networks' current parameters). */
  at?: Parameters;
}

/**
 * H·v for every member at once (members are independent, so one pair of gradients serves all).
 * The difference is taken along the unit direction v/‖v‖ and scaled back by ‖v‖, so a v of any
 * length works: one with a tiny norm would otherwise make ε = c/‖v‖ overflow (θ + ∞·v), one
 * with a huge norm would overflow ‖v‖ itself.
 */
export async function hessianVectorProduct(
  nets: TrainedNetworks,
  v: Parameters,
  options: HvpOptions = {},
): Promise<Parameters> {
  const owners = parameterOwners(nets.plan);
  const theta = options.at ?? nets.parameters();
  const length = scaledMemberNorms(v, owners);
  const unit = mapParameters(v, (x, m) => (length[m] > 0 ? x / length[m] : 0), owners);
  const step = hvpSteps(theta, unit, owners, UNIT_ROUNDOFF[nets.settings.dtype]);
  // A member with v = 0 has step 0 and H·0 = 0 exactly (not 0/0).
  if (step.every((s) => s === 0)) return mapParameters(v, () => 0, owners);
  const plus = await nets.lossGradient(options.indices, addScaled(theta, unit, step, owners));
  const minus = await nets.lossGradient(
    options.indices,
    addScaled(
      theta,
      unit,
      step.map((s) => -s),
      owners,
    ),
  );
  // ‖v‖·(∇E(θ + εu) − ∇E(θ − εu))/2ε.
  const factor = step.map((s, m) => (s > 0 ? length[m] / (2 * s) : 0));
  return addScaled(
    mapParameters(plus.grads, (g, m) => g * factor[m], owners),
    minus.grads,
    factor.map((f) => -f),
    owners,
  );
}

/**
 * ε per member: u^{1/3}·max(‖θ‖, 1)/‖v‖, and 0 where v = 0 (H·0 = 0, never 0/0). The norms are
 * scaled (no underflow to 0 or overflow to ∞ of Σv²); a v with a non-finite entry is an error. For
 * a v of subnormal norm ε itself overflows: hessianVectorProduct passes unit directions.
 */
export function hvpSteps(
  theta: Parameters,
  v: Parameters,
  owners: ParameterOwners,
  unitRoundoff: number,
): Float64Array {
  const base = Math.cbrt(unitRoundoff);
  const thetaNorms = memberNorms(theta, owners);
  const vNorms = scaledMemberNorms(v, owners);
  return thetaNorms.map((t, m) => (vNorms[m] > 0 ? (base * Math.max(t, 1)) / vNorms[m] : 0));
}

/** ‖v‖ per member as max|v|·‖v/max|v|‖; throws on a non-finite entry. */
function scaledMemberNorms(v: Parameters, owners: ParameterOwners): Float64Array {
  const largest = new Float64Array(owners.counts.length);
  mapParameters(
    v,
    (x, m) => {
      if (!Number.isFinite(x)) throw new Error(`Hessian-vector product: v of member ${m} has an entry ${x}`);
      largest[m] = Math.max(largest[m], Math.abs(x));
      return 0;
    },
    owners,
  );
  const scaled = mapParameters(v, (x, m) => (largest[m] > 0 ? x / largest[m] : 0), owners);
  return memberNorms(scaled, owners).map((s, m) => s * largest[m]);
}
