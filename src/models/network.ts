// The network families of the training engine: their shapes and parameter counts. One knob, the
// width k, sets the size of a network of a family (DESIGN.md's `Family`).
import { CNN1D_CONVS, cnn1dLengths, cnn1dSignal } from './cnn1d.js';
import { checkImageInput, resnet18ParameterCount } from './resnet18.js';

/** resnet18 trains with ResNetTrainer (src/fit/train/resnet-trainer.ts), not in an ensemble plan. */
export type Family = 'mlp' | 'cnn' | 'cnn1d' | 'resnet18';

export const FAMILIES = ['mlp', 'cnn', 'cnn1d', 'resnet18'] as const satisfies readonly Family[];

/** The hidden layers' nonlinearity: ReLU (default), or tanh — smooth, as in Cohen et al. 2021. */
export type Activation = 'relu' | 'tanh';

export const ACTIVATIONS = ['relu', 'tanh'] as const satisfies readonly Activation[];

export interface NetworkShape {
  family: Family;
  /**
   * MLP: the hidden widths (depth = length). CNN: the conv widths, e.g. [k, 2k, 4k, 8k]; cnn1d: [k, k, k];
   * resnet18: its stages' widths [k, 2k, 4k, 8k].
   */
  widths: number[];
  /** Absent: relu (so the shapes, and graph keys, of ReLU networks are what they always were). */
  activation?: Activation;
}

export interface InputShape {
  /** Features per sample (channels × height × width for images). */
  dim: number;
  /** (channels, height, width): needed by the CNN; cnn1d reads (channels, 1, length); ignored by the MLP. */
  image?: readonly [number, number, number];
  classes: number;
}

/**
 * The network of width k: an MLP with `depth` hidden layers of k units, the CNN k, 2k, 4k, 8k, the
 * 1-D CNN with k channels in each of its three convolutions (cnn1d.ts), or the ResNet18 whose stages
 * have k, 2k, 4k, 8k channels (resnet18.ts).
 */
export function networkShape(family: Family, depth: number, k: number): NetworkShape {
  if (family === 'cnn') return { family: 'cnn', widths: [k, 2 * k, 4 * k, 8 * k] };
  if (family === 'resnet18') return { family: 'resnet18', widths: [k, 2 * k, 4 * k, 8 * k] };
  if (family === 'cnn1d') return { family: 'cnn1d', widths: CNN1D_CONVS.map(() => k) };
  return { family: 'mlp', widths: Array.from({ length: depth }, () => k) };
}

/**
 * Trainable parameters of one network of this shape (weights and biases): dense layers
 * (in + 1)·out; the CNN's 3×3 convolutions (9·in + 1)·out, then its head (last width + 1)·classes;
 * the 1-D CNN's convolutions (K·in + 1)·out, then its head on the flattened maps (L₃·k₃ + 1)·classes;
 * the ResNet18's convolutions, batch norms and head, 2724k² + (106 + 9C + 8n)·k + n (resnet18.ts).
 */
export function parameterCount(shape: NetworkShape, input: InputShape): number {
  if (shape.family === 'resnet18') {
    const [channels] = checkImageInput(input);
    return resnet18ParameterCount(shape.widths[0], channels, input.classes);
  }
  if (shape.family === 'cnn1d') {
    checkCnn1dDepth(shape.widths.length);
    const signal = cnn1dSignal(input);
    const lengths = cnn1dLengths(signal.length);
    let count = 0;
    let fanIn = signal.channels;
    shape.widths.forEach((w, l) => {
      count += (CNN1D_CONVS[l].kernel * fanIn + 1) * w;
      fanIn = w;
    });
    return count + (lengths[CNN1D_CONVS.length] * fanIn + 1) * input.classes;
  }
  const inputs = shape.family === 'cnn' ? (input.image?.[0] ?? 1) : input.dim;
  const kernel = shape.family === 'cnn' ? 9 : 1;
  let count = 0;
  let fanIn = inputs;
  for (const w of shape.widths) {
    count += (kernel * fanIn + 1) * w;
    fanIn = w;
  }
  return count + (fanIn + 1) * input.classes;
}

/** The 1-D CNN has exactly the reference's three convolutions. */
export function checkCnn1dDepth(depth: number): void {
  if (depth !== CNN1D_CONVS.length)
    throw new Error(`the 1-D CNN (cnn1d) has ${CNN1D_CONVS.length} conv layers, got ${depth} widths`);
}

/** The network family in words, for summaries and figure titles. */
export function familyName(family: Family, depth: number): string {
  if (family === 'cnn') return 'CNN';
  if (family === 'cnn1d') return '1-D CNN (3 conv layers)';
  if (family === 'resnet18') return 'pre-activation ResNet18';
  return `MLP (${depth} hidden layer${depth > 1 ? 's' : ''})`;
}
