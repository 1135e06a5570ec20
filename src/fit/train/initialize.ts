// Seeded initial parameters of an ensemble. Each member draws its own weights from its own seed,
// block by block in a fixed order, so a member starts from the same numbers alone or in any
// ensemble (what makes ensemble training equal to training each network alone).
//   he      W ~ N(0, 2/fan_in)                      (He et al. 2015, for ReLU layers)
//   glorot  W ~ U(±√(6/(fan_in + fan_out)))          (Glorot & Bengio 2010)
//   pytorch W ~ U(±1/√fan_in)                         (PyTorch's default for Linear/Conv2d weights;
//           a third of LeCun's variance, a sixth of He's: small outputs and a small initial
//           sharpness, as in the networks of Cohen et al. 2021)
//   kaiming-uniform  W ~ U(±√(6/fan_in))             (PyTorch's torch.nn.init.kaiming_uniform_ with
//           its defaults, as udlbook's notebook 8.3 calls it: He's variance 2/fan_in, uniform. Not
//           nn.Linear's own default, which passes a = √5 and gets U(±1/√fan_in).)
// fan_in is the member's own inputs to a unit (× 9 for a 3×3 conv, × K for a conv1d of kernel K),
// fan_out its outputs × the same factor (PyTorch's rule for convolutions); biases start at zero.
import { Rng, Streams } from '../../engine/random.js';
import { convInputs, kernelSize, weightShape, type EnsemblePlan, type LayerPlan } from './ensemble-plan.js';

export type InitScheme = 'he' | 'glorot' | 'kaiming-uniform' | 'pytorch';
export const INIT_SCHEMES: readonly InitScheme[] = ['he', 'glorot', 'kaiming-uniform', 'pytorch'];

export interface Parameters {
  /** Per layer, row-major in the layout of weightShape. */
  w: Float64Array[];
  b: Float64Array[];
}

export function initialParameters(plan: EnsemblePlan, seeds: number[], scheme: InitScheme): Parameters {
  if (seeds.length !== plan.members.length) {
    throw new Error(`${seeds.length} seeds for ${plan.members.length} ensemble members`);
  }
  const w = plan.layers.map((layer) => new Float64Array(weightShape(layer).reduce((a, b) => a * b, 1)));
  const b = plan.layers.map((layer) => new Float64Array(layer.outTotal));
  plan.members.forEach((_, m) => {
    const rng = new Rng(seeds[m], Streams.init);
    plan.layers.forEach((layer, l) => {
      const { rows, cols } = blockOf(layer, m);
      const kernel = kernelSize(layer);
      const fanIn = rows.count * kernel;
      const fanOut = cols.count * kernel;
      const block = new Float64Array(rows.count * cols.count * kernel);
      if (scheme === 'he') rng.fillNormal(block, 0, Math.sqrt(2 / fanIn));
      else {
        const limit =
          scheme === 'pytorch'
            ? 1 / Math.sqrt(fanIn)
            : Math.sqrt(6 / (scheme === 'glorot' ? fanIn + fanOut : fanIn));
        for (let i = 0; i < block.length; i++) block[i] = (2 * rng.uniform() - 1) * limit;
      }
      writeBlock(layer, w[l], block, rows, cols);
    });
  });
  return { w, b };
}

interface Range {
  start: number;
  count: number;
}

/**
 * The input rows and output columns of member m in a layer (stacked layers: rows from 0, columns
 * from m·out, and the block is the member's own (in, out) slice of the stack; grouped conv layers:
 * rows from 0, since each output channel's kernels cover only its member's inputs).
 */
export function blockOf(layer: LayerPlan, m: number): { rows: Range; cols: Range } {
  const offset = (counts: number[]) => counts.slice(0, m).reduce((a, v) => a + v, 0);
  const rows = layer.sharedInput
    ? { start: 0, count: layer.inTotal }
    : layer.stacked || layer.grouped
      ? { start: 0, count: layer.inPerMember[m] }
      : { start: offset(layer.inPerMember), count: layer.inPerMember[m] };
  return { rows, cols: { start: offset(layer.outPerMember), count: layer.outPerMember[m] } };
}

/**
 * Copies a member's block (row-major: dense (in, out), conv (out, in, 3, 3), conv1d (K, in, out)) into the layer's
 * ensemble tensor. `readBlock` is the inverse.
 */
export function writeBlock(
  layer: LayerPlan,
  target: Float64Array,
  block: Float64Array,
  rows: Range,
  cols: Range,
): void {
  copyBlock(layer, target, block, rows, cols, true);
}

export function readBlock(layer: LayerPlan, source: Float64Array, rows: Range, cols: Range): Float64Array {
  const block = new Float64Array(rows.count * cols.count * kernelSize(layer));
  copyBlock(layer, source, block, rows, cols, false);
  return block;
}

function copyBlock(
  layer: LayerPlan,
  tensor: Float64Array,
  block: Float64Array,
  rows: Range,
  cols: Range,
  toTensor: boolean,
): void {
  if (layer.kind === 'dense') {
    // Stacked: member m's (in, out) slice starts at m·in·out = cols.start·in. Segmented: its rows,
    // every column (cols.start still places its biases).
    const [base, stride] = layer.stacked
      ? [cols.start * rows.count, cols.count]
      : layer.segmented
        ? [rows.start * cols.count, cols.count]
        : [rows.start * layer.outTotal + cols.start, layer.outTotal];
    for (let i = 0; i < rows.count; i++) {
      for (let j = 0; j < cols.count; j++) {
        const t = base + i * stride + j;
        const k = i * cols.count + j;
        if (toTensor) tensor[t] = block[k];
        else block[k] = tensor[t];
      }
    }
    return;
  }
  if (layer.kind === 'conv1d') {
    // Tap k of the member's input i is row k·inTotal + rows.start + i of the (K·in, out) matrix.
    for (let k = 0; k < kernelSize(layer); k++)
      for (let i = 0; i < rows.count; i++)
        for (let j = 0; j < cols.count; j++) {
          const t = (k * layer.inTotal + rows.start + i) * layer.outTotal + cols.start + j;
          const b = (k * rows.count + i) * cols.count + j;
          if (toTensor) tensor[t] = block[b];
          else block[b] = tensor[t];
        }
    return;
  }
  const inputs = convInputs(layer);
  for (let o = 0; o < cols.count; o++) {
    for (let i = 0; i < rows.count; i++) {
      const t = ((cols.start + o) * inputs + rows.start + i) * 9;
      const k = (o * rows.count + i) * 9;
      for (let q = 0; q < 9; q++) {
        if (toTensor) tensor[t + q] = block[k + q];
        else block[k + q] = tensor[t + q];
      }
    }
  }
}

/** Member m's parameters as a lone network (the inverse of placing them in the ensemble). */
export function memberParameters(plan: EnsemblePlan, params: Parameters, m: number): Parameters {
  const w: Float64Array[] = [];
  const b: Float64Array[] = [];
  plan.layers.forEach((layer, l) => {
    const { rows, cols } = blockOf(layer, m);
    w.push(readBlock(layer, params.w[l], rows, cols));
    b.push(params.b[l].slice(cols.start, cols.start + cols.count));
  });
  return { w, b };
}

/** The ensemble parameters of lone networks, member m's placed as memberParameters(…, m) reads them. */
export function placeMembers(plan: EnsemblePlan, members: Parameters[]): Parameters {
  if (members.length !== plan.members.length)
    throw new Error(`${members.length} networks for ${plan.members.length} ensemble members`);
  const w = plan.layers.map((layer) => new Float64Array(weightShape(layer).reduce((a, b) => a * b, 1)));
  const b = plan.layers.map((layer) => new Float64Array(layer.outTotal));
  members.forEach((p, m) =>
    plan.layers.forEach((layer, l) => {
      const { rows, cols } = blockOf(layer, m);
      writeBlock(layer, w[l], p.w[l], rows, cols);
      b[l].set(p.b[l], cols.start);
    }),
  );
  return { w, b };
}
