// ‖θ‖₂ of each member of an ensemble: every weight belongs to the member owning its output unit.
import { weightOwners } from '../fit/train/ensemble-plan.js';
import type { TrainedNetworks } from '../fit/train/trained-networks.js';

export function parameterNorms(nets: Pick<TrainedNetworks, 'plan' | 'parameters'>): Float64Array {
  const { plan } = nets;
  const p = nets.parameters();
  const sums = new Float64Array(plan.members.length);
  plan.layers.forEach((layer, l) => {
    const w = p.w[l];
    const b = p.b[l];
    const owners = weightOwners(layer);
    for (let i = 0; i < w.length; i++) sums[owners[i]] += w[i] * w[i];
    for (let j = 0; j < b.length; j++) sums[layer.owner[j]] += b[j] * b[j];
  });
  return sums.map(Math.sqrt);
}
