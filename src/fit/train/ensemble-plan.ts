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
// Equal CNN members do the same with convolutions: every conv layer after the first is *grouped*,
// one ONNX Conv with group = M whose weights are (M·out, in, 3, 3), each member's own kernels
// member after member (grouped-conv.ts), and the dense head after global pooling is stacked.
//
// Unequal MLP members (the widths of a sweep) still share the number of classes, so their head is
// *segmented*: weights (Σ widths, classes), row i feeding only its own member's logits, computed
// per run of consecutive members of equal width (one MatMul each, batched over the run). The
// block-diagonal head would cost M times as much (M·classes columns, all but a member's own zero).

import { CNN1D_CONVS, cnn1dLengths, cnn1dSignal } from '../../models/cnn1d.js';
import {
  checkCnn1dDepth,
  type Activation,
  type Family,
  type InputShape,
  type NetworkShape,
} from '../../models/network.js';

export type { Activation, Family, InputShape, NetworkShape };

export type Pooling = 'none' | 'max2' | 'global';

/**
 * A 1-D convolution over channels-last maps (batch, length, channels): its weights are a
 * (kernel·in, out) matrix whose row k·in + c holds tap k of input channel c (network-graph.ts).
 */
export interface Conv1dGeometry {
  kernel: number;
  stride: number;
  pad: number;
  inLength: number;
  outLength: number;
}

export interface LayerPlan {
  kind: 'dense' | 'conv' | 'conv1d';
  /** conv1d: the convolution's geometry (the head is one with kernel = its input length). */
  conv1d?: Conv1dGeometry;
  /** Inputs of each member (for the first layer: the shared input's features or channels). */
  inPerMember: number[];
  outPerMember: number[];
  /** The first layer reads the shared input: no block structure, no mask. */
  sharedInput: boolean;
  /** Equal members: weights (members, in, out), activations (members, batch, units); no mask. */
  stacked: boolean;
  /** Equal CNN members: a conv with group = members, weights (outTotal, in per member, 3, 3); no mask. */
  grouped: boolean;
  /**
   * Unequal MLP members with equal outputs (the head): weights (inTotal, outputs per member), row i
   * owned by the member of input unit i; no mask.
   */
  segmented: boolean;
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
  /** resnet18 is not planned here (ensemblePlan refuses it). */
  family: Exclude<Family, 'resnet18'>;
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

export interface PlanOptions {
  /**
   * Lay every layer after the first out block-diagonally with masks, instead of stacked, grouped
   * or segmented: the same networks at M times the work (benchmarks and tests compare the two).
   */
  masked?: boolean;
}

export function ensemblePlan(
  members: NetworkShape[],
  input: InputShape,
  options: PlanOptions = {},
): EnsemblePlan {
  if (members.length === 0) throw new Error('an ensemble needs at least one member');
  const family = members[0].family;
  if (family === 'resnet18')
    throw new Error(
      'resnet18 trains with ResNetTrainer (src/fit/train/resnet-trainer.ts), not in an ensemble plan',
    );
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
  const equal = !options.masked && equalMembers(members);
  const plan =
    family === 'cnn'
      ? cnnPlan(members, input, equal)
      : family === 'cnn1d'
        ? cnn1dPlan(members, input)
        : mlpPlan(members, input, equal, !options.masked);
  return { ...plan, activation };
}

/** Every member has the shape of the first (and there are several): the layout can be stacked. */
export function equalMembers(members: NetworkShape[]): boolean {
  const first = members[0].widths.join(',');
  return members.length > 1 && members.every((m) => m.widths.join(',') === first);
}

function mlpPlan(
  members: NetworkShape[],
  input: InputShape,
  stack: boolean,
  segment: boolean,
): Omit<EnsemblePlan, 'activation'> {
  const layers: LayerPlan[] = [];
  const depth = members[0].widths.length;
  for (let l = 0; l <= depth; l++) {
    const head = l === depth;
    const outPerMember = members.map((m) => (head ? input.classes : m.widths[l]));
    const inPerMember = members.map((m) => (l === 0 ? input.dim : m.widths[l - 1]));
    const planned = layer('dense', inPerMember, outPerMember, l === 0, !head, 'none', stack && l > 0);
    layers.push({
      ...planned,
      segmented: segment && l > 0 && !planned.stacked && members.length > 1 && head,
    });
  }
  return { family: 'mlp', members, input, layers, spatial: [] };
}

function cnnPlan(
  members: NetworkShape[],
  input: InputShape,
  equal: boolean,
): Omit<EnsemblePlan, 'activation'> {
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
    layers.push({
      ...layer(
        'conv',
        inPerMember,
        members.map((m) => m.widths[l]),
        l === 0,
        true,
        pool,
      ),
      grouped: equal && l > 0,
    });
  }
  layers.push(
    layer(
      'dense',
      members.map((m) => m.widths[depth - 1]),
      members.map(() => input.classes),
      false,
      false,
      'none',
      equal,
    ),
  );
  return { family: 'cnn', members, input, layers, spatial };
}

/**
 * The 1-D CNN (models/cnn1d.ts): three convolutions, then the head as one more convolution whose
 * kernel spans the whole remaining length (a linear map of the flattened maps). Every layer after
 * the first is block-diagonal over the members, masked like the MLP's.
 */
function cnn1dPlan(members: NetworkShape[], input: InputShape): Omit<EnsemblePlan, 'activation'> {
  checkCnn1dDepth(members[0].widths.length);
  const { channels, length } = cnn1dSignal(input);
  const lengths = cnn1dLengths(length);
  const layers: LayerPlan[] = CNN1D_CONVS.map((spec, l) => ({
    ...layer(
      'conv1d',
      members.map((m) => (l === 0 ? channels : m.widths[l - 1])),
      members.map((m) => m.widths[l]),
      l === 0,
      true,
      'none',
    ),
    conv1d: { ...spec, inLength: lengths[l], outLength: lengths[l + 1] },
  }));
  const last = lengths[CNN1D_CONVS.length];
  layers.push({
    ...layer(
      'conv1d',
      members.map((m) => m.widths[CNN1D_CONVS.length - 1]),
      members.map(() => input.classes),
      false,
      false,
      'none',
    ),
    conv1d: { kernel: last, stride: 1, pad: 0, inLength: last, outLength: 1 },
  });
  return { family: 'cnn1d', members, input, layers, spatial: [] };
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
  return {
    kind,
    inPerMember,
    outPerMember,
    sharedInput,
    stacked,
    grouped: false,
    segmented: false,
    relu,
    pool,
    outTotal,
    inTotal,
    owner,
  };
}

/** Weights per input unit and output unit: 1 (dense), 9 (3×3 conv), the kernel (conv1d). */
export function kernelSize(layer: LayerPlan): number {
  if (layer.kind === 'conv') return 9;
  return layer.conv1d ? layer.conv1d.kernel : 1;
}

/**
 * The tensor shape of a layer's weights: dense (in, out), stacked (members, in, out), conv
 * (out, in, 3, 3), grouped conv (out, in per member, 3, 3), conv1d (kernel·in, out).
 */
export function weightShape(layer: LayerPlan): number[] {
  if (layer.stacked) return [layer.inPerMember.length, layer.inPerMember[0], layer.outPerMember[0]];
  if (layer.segmented) return [layer.inTotal, layer.outPerMember[0]];
  if (layer.kind === 'conv') return [layer.outTotal, convInputs(layer), 3, 3];
  return [kernelSize(layer) * layer.inTotal, layer.outTotal];
}

/** The input channels of a conv weight's row: all of them, or a grouped layer's member's own. */
export function convInputs(layer: LayerPlan): number {
  return layer.grouped ? layer.inPerMember[0] : layer.inTotal;
}

/**
 * How one value per member (a learning rate, a scale) broadcasts over a layer's weights: the values
 * gathered by `owner` and reshaped to `shape`. Per output unit: (1, out) dense and conv1d,
 * (members, 1, out) stacked, (out, 1, 1, 1) conv; per input row, (in, 1), for a segmented layer.
 */
export function memberBroadcast(layer: LayerPlan): { owner: Int32Array; shape: number[] } {
  if (layer.segmented) return { owner: inputOwner(layer), shape: [layer.inTotal, 1] };
  if (layer.stacked)
    return { owner: layer.owner, shape: [layer.outPerMember.length, 1, layer.outPerMember[0]] };
  // conv weights lead with the unit axis; dense (in, out) and conv1d (K·in, out) end with it.
  return {
    owner: layer.owner,
    shape: layer.kind === 'conv' ? [layer.outTotal, 1, 1, 1] : [1, layer.outTotal],
  };
}

/** For every element of a layer's weight tensor, the member that owns it (its output unit's). */
export function weightOwners(layer: LayerPlan): Int32Array {
  const size = weightShape(layer).reduce((a, b) => a * b, 1);
  const owners = new Int32Array(size);
  if (layer.segmented) {
    const rows = inputOwner(layer);
    const cols = layer.outPerMember[0];
    for (let i = 0; i < size; i++) owners[i] = rows[Math.floor(i / cols)];
  } else if (layer.stacked) {
    const block = layer.inPerMember[0] * layer.outPerMember[0];
    for (let i = 0; i < size; i++) owners[i] = Math.floor(i / block);
  } else {
    const perUnit = layer.kind === 'conv' ? convInputs(layer) * 9 : 0;
    for (let i = 0; i < size; i++)
      owners[i] = layer.owner[perUnit ? Math.floor(i / perUnit) : i % layer.outTotal];
  }
  return owners;
}

/** A run of consecutive members with equal inputs: its first member, size, width and first input row. */
export interface EqualWidthRun {
  member: number;
  count: number;
  width: number;
  row: number;
}

/** The maximal runs of consecutive members with equal inputs (a segmented layer computes one each). */
export function equalWidthRuns(layer: LayerPlan): EqualWidthRun[] {
  const runs: EqualWidthRun[] = [];
  let row = 0;
  layer.inPerMember.forEach((width, member) => {
    const last = runs[runs.length - 1];
    if (last && last.width === width) last.count++;
    else runs.push({ member, count: 1, width, row });
    row += width;
  });
  return runs;
}

/** The member that owns input unit i of a (non-shared) layer. */
export function inputOwner(layer: LayerPlan): Int32Array {
  const owner = new Int32Array(layer.inTotal);
  let i = 0;
  layer.inPerMember.forEach((count, m) => owner.fill(m, i, (i += count)));
  return owner;
}

export function hasWeightMask(layer: LayerPlan, memberCount: number): boolean {
  return !layer.sharedInput && !layer.stacked && !layer.grouped && !layer.segmented && memberCount > 1;
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
  if (layer.kind !== 'conv') {
    // Dense rows are input units; conv1d rows are (tap, input unit), so row r is unit r mod in.
    for (let r = 0; r < shape[0]; r++)
      for (let j = 0; j < layer.outTotal; j++)
        mask[r * layer.outTotal + j] = inOwner[r % layer.inTotal] === layer.owner[j] ? 1 : 0;
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
  const w = plan.layers.map(weightOwners);
  const b = plan.layers.map((layer) => layer.owner.slice());
  // Weights outside a member's block are structural zeros of the ensemble, not parameters.
  plan.layers.forEach((layer) => {
    plan.members.forEach((_, m) => {
      const inputs = layer.sharedInput ? layer.inPerMember[0] : layer.inPerMember[m];
      counts[m] += (inputs * kernelSize(layer) + 1) * layer.outPerMember[m];
    });
  });
  return { w, b, counts };
}
