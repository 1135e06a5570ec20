// The network families of the training engine: their shapes and parameter counts. One knob, the
// width k, sets the size of a network of a family (DESIGN.md's `Family`).

export type Family = 'mlp' | 'cnn';

export const FAMILIES = ['mlp', 'cnn'] as const satisfies readonly Family[];

/** The hidden layers' nonlinearity: ReLU (default), or tanh — smooth, as in Cohen et al. 2021. */
export type Activation = 'relu' | 'tanh';

export const ACTIVATIONS = ['relu', 'tanh'] as const satisfies readonly Activation[];

export interface NetworkShape {
  family: Family;
  /** MLP: the hidden widths (depth = length). CNN: the conv widths, e.g. [k, 2k, 4k, 8k]. */
  widths: number[];
  /** Absent: relu (so the shapes, and graph keys, of ReLU networks are what they always were). */
  activation?: Activation;
}

export interface InputShape {
  /** Features per sample (channels × height × width for images). */
  dim: number;
  /** (channels, height, width): needed by the CNN, ignored by the MLP. */
  image?: readonly [number, number, number];
  classes: number;
}

/** The network of width k: an MLP with `depth` hidden layers of k units, or the CNN k, 2k, 4k, 8k. */
export function networkShape(family: Family, depth: number, k: number): NetworkShape {
  return family === 'cnn'
    ? { family: 'cnn', widths: [k, 2 * k, 4 * k, 8 * k] }
    : { family: 'mlp', widths: Array.from({ length: depth }, () => k) };
}

/**
 * Trainable parameters of one network of this shape (weights and biases): dense layers
 * (in + 1)·out; the CNN's 3×3 convolutions (9·in + 1)·out, then its head (last width + 1)·classes.
 */
export function parameterCount(shape: NetworkShape, input: InputShape): number {
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
