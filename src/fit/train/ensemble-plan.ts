// The layout of an ensemble: several networks of one family, side by side in one set of tensors.
// Layer l of the ensemble holds every member's units of layer l, member after member. The first
// layer reads the shared input, so its weights are simply concatenated; every later layer's weights
// are block-diagonal (member m's inputs feed only member m's outputs) and a mask keeps the blocks
// apart. A lone network is the ensemble of one member, with no mask at all.
//
// When every member of an MLP ensemble has the same shape (the seeds of one width, a learning-rate
// axis), the layers after the first are *stacked* instead: weights (members, in, out), activations
// (members, batch, units), one batched MatMul per layer. Block-diagonal weights would cost M times
// the work of the M members (M² blocks, all but M of them zeros); stacked ones cost exactly theirs.

import type { Activation, Family, InputShape, NetworkShape } from '../../models/network.js';

export type { Activation, Family, InputShape, NetworkShape };

export type Pooling = 'none' | 'max2' | 'global';

export interface LayerPlan {
  kind: 'dense' | 'conv';
  /** Inputs of each member (for the first layer: the shared input's features or channels). */
  inPerMember: number[];
  outPerMember: number[];
  /** The first layer reads the shared input: no block structure, no mask. */
  sharedInput: boolean;
  /** Equal members: weights (members, in, out), activations (members, batch, units); no mask. */
  stacked: boolean;
  /** The plan's activation after the layer (every layer but the head; named for the default, ReLU). */
  relu: boolean;
  /** CNN: pooling after the ReLU. */
  pool: Pooling;
  /** Units of the layer's output (sum over members), and which member owns each. */
  outTotal: number;
  inTotal: number;
  owner: Int32Array;
}

export interface EnsemblePlan {
  family: Family;
  /** Nonlinearity of every hidden layer (one per ensemble: the graphs are shared). */
  activation: Activation;
  members: NetworkShape[];
  input: InputShape;
  layers: LayerPlan[];
  /** CNN: spatial size (height, width) of the input of each layer. */
  spatial: [number, number][];
}

/** Pooling of Nakkiran et al.'s 5-layer CNN: none, 2, 2, then global max (8 on 32×32 CIFAR). */
const CNN_POOLING: Pooling[] = ['none', 'max2', 'max2', 'global'];

export function ensemblePlan(members: NetworkShape[], input: InputShape): EnsemblePlan {
  if (members.length === 0) throw new Error('an ensemble needs at least one member');
  const family = members[0].family;
  const depth = members[0].widths.length;
  members.forEach((m, i) => {
    if (m.family !== family || m.widths.length !== depth) {
      throw new Error(
        `ensemble member ${i} (${m.family}, depth ${m.widths.length}) differs in family or depth`,
      );
    }
    m.widths.forEach((w, l) => {
      if (!(Number.isInteger(w) && w >= 1)) {
        throw new Error(`width must be a positive integer, got ${w} (member ${i}, layer ${l})`);
      }
    });
  });
  if (depth === 0) throw new Error(`a ${family} needs at least one hidden layer`);
  const activation = members[0].activation ?? 'relu';
  members.forEach((m, i) => {
    if ((m.activation ?? 'relu') !== activation)
      throw new Error(
        `ensemble member ${i} has activation ${m.activation ?? 'relu'}, member 0 ${activation}`,
      );
  });
  const plan = family === 'cnn' ? cnnPlan(members, input) : mlpPlan(members, input);
  return { ...plan, activation };
}

/** Every member has the shape of the first (and there are several): the layout can be stacked. */
export function equalMembers(members: NetworkShape[]): boolean {
  const first = members[0].widths.join(',');
  return members.length > 1 && members.every((m) => m.widths.join(',') === first);
}

function mlpPlan(members: NetworkShape[], input: InputShape): Omit<EnsemblePlan, 'activation'> {
  const layers: LayerPlan[] = [];
  const depth = members[0].widths.length;
  const stack = equalMembers(members);
  for (let l = 0; l <= depth; l++) {
    const head = l === depth;
    const outPerMember = members.map((m) => (head ? input.classes : m.widths[l]));
    const inPerMember = members.map((m) => (l === 0 ? input.dim : m.widths[l - 1]));
    layers.push(layer('dense', inPerMember, outPerMember, l === 0, !head, 'none', stack && l > 0));
  }
  return { family: 'mlp', members, input, layers, spatial: [] };
}

function cnnPlan(members: NetworkShape[], input: InputShape): Omit<EnsemblePlan, 'activation'> {
  if (!input.image)
    throw new Error('the CNN needs image data (a data set with a channels × height × width shape)');
  const depth = members[0].widths.length;
  if (depth !== CNN_POOLING.length) {
    throw new Error(`the CNN has ${CNN_POOLING.length} conv layers, got ${depth} widths`);
  }
  const [channels, height, width] = input.image;
  const layers: LayerPlan[] = [];
  const spatial: [number, number][] = [];
  let [h, w] = [height, width];
  for (let l = 0; l < depth; l++) {
    spatial.push([h, w]);
    const pool = CNN_POOLING[l];
    if (pool === 'max2') {
      if (h % 2 !== 0 || w % 2 !== 0) {
        throw new Error(`the CNN pools ${h}×${w} feature maps by 2 at layer ${l + 1}: the size must be even`);
      }
      h /= 2;
      w /= 2;
    } else if (pool === 'global') {
      h = 1;
      w = 1;
    }
    const inPerMember = members.map((m) => (l === 0 ? channels : m.widths[l - 1]));
    layers.push(
      layer(
        'conv',
        inPerMember,
        members.map((m) => m.widths[l]),
        l === 0,
        true,
        pool,
      ),
    );
  }
  layers.push(
    layer(
      'dense',
      members.map((m) => m.widths[depth - 1]),
      members.map(() => input.classes),
      false,
      false,
      'none',
    ),
  );
  return { family: 'cnn', members, input, layers, spatial };
}

function layer(
  kind: LayerPlan['kind'],
  inPerMember: number[],
  outPerMember: number[],
  sharedInput: boolean,
  relu: boolean,
  pool: Pooling,
  stacked = false,
): LayerPlan {
  const outTotal = outPerMember.reduce((a, b) => a + b, 0);
  const inTotal = sharedInput ? inPerMember[0] : inPerMember.reduce((a, b) => a + b, 0);
  const owner = new Int32Array(outTotal);
  let j = 0;
  outPerMember.forEach((count, m) => owner.fill(m, j, (j += count)));
  return { kind, inPerMember, outPerMember, sharedInput, stacked, relu, pool, outTotal, inTotal, owner };
}

/** The tensor shape of a layer's weights: dense (in, out), stacked (members, in, out), conv (out, in, 3, 3). */
export function weightShape(layer: LayerPlan): number[] {
  if (layer.stacked) return [layer.inPerMember.length, layer.inPerMember[0], layer.outPerMember[0]];
  return layer.kind === 'dense' ? [layer.inTotal, layer.outTotal] : [layer.outTotal, layer.inTotal, 3, 3];
}

/**
 * A shape that broadcasts one value per output unit (member-major, as `owner`) over a layer's
 * weights: (1, out) dense, (members, 1, out) stacked, (out, 1, 1, 1) conv. Per-unit learning rates
 * and per-member scales use it.
 */
export function unitBroadcastShape(layer: LayerPlan): number[] {
  if (layer.stacked) return [layer.outPerMember.length, 1, layer.outPerMember[0]];
  return layer.kind === 'dense' ? [1, layer.outTotal] : [layer.outTotal, 1, 1, 1];
}

/** The member that owns element i of a layer's weight tensor (its output unit's member). */
export function weightOwner(layer: LayerPlan, i: number): number {
  if (layer.stacked) return Math.floor(i / (layer.inPerMember[0] * layer.outPerMember[0]));
  const unit = layer.kind === 'dense' ? i % layer.outTotal : Math.floor(i / (layer.inTotal * 9));
  return layer.owner[unit];
}

/** The member that owns input unit i of a (non-shared) layer. */
export function inputOwner(layer: LayerPlan): Int32Array {
  const owner = new Int32Array(layer.inTotal);
  let i = 0;
  layer.inPerMember.forEach((count, m) => owner.fill(m, i, (i += count)));
  return owner;
}

export function hasWeightMask(layer: LayerPlan, memberCount: number): boolean {
  return !layer.sharedInput && !layer.stacked && memberCount > 1;
}

/**
 * The block-diagonal mask of a layer's weights (1 where input and output belong to one member), or
 * undefined for the shared first layer and for a single network.
 */
export function weightMask(layer: LayerPlan, memberCount: number): Float64Array | undefined {
  if (!hasWeightMask(layer, memberCount)) return undefined;
  const inOwner = inputOwner(layer);
  const shape = weightShape(layer);
  const mask = new Float64Array(shape.reduce((a, b) => a * b, 1));
  if (layer.kind === 'dense') {
    for (let i = 0; i < layer.inTotal; i++)
      for (let j = 0; j < layer.outTotal; j++)
        mask[i * layer.outTotal + j] = inOwner[i] === layer.owner[j] ? 1 : 0;
  } else {
    for (let o = 0; o < layer.outTotal; o++)
      for (let i = 0; i < layer.inTotal; i++)
        if (inOwner[i] === layer.owner[o])
          mask.fill(1, (o * layer.inTotal + i) * 9, (o * layer.inTotal + i + 1) * 9);
  }
  return mask;
}

/** For every element of every weight and bias tensor: the member it belongs to (its output unit's). */
export interface ParameterOwners {
  w: Int32Array[];
  b: Int32Array[];
  /** Parameters of each member. */
  counts: number[];
}

export function parameterOwners(plan: EnsemblePlan): ParameterOwners {
  const counts = plan.members.map(() => 0);
  const w = plan.layers.map((layer) => {
    const size = weightShape(layer).reduce((a, b) => a * b, 1);
    const owners = new Int32Array(size);
    for (let i = 0; i < size; i++) owners[i] = weightOwner(layer, i);
    return owners;
  });
  const b = plan.layers.map((layer) => layer.owner.slice());
  // Weights outside a member's block are structural zeros of the ensemble, not parameters.
  plan.layers.forEach((layer) => {
    plan.members.forEach((_, m) => {
      const inputs = layer.sharedInput ? layer.inPerMember[0] : layer.inPerMember[m];
      counts[m] += (inputs * (layer.kind === 'conv' ? 9 : 1) + 1) * layer.outPerMember[m];
    });
  });
  return { w, b, counts };
}
