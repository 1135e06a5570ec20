// The 1-D CNN family: the MNIST-1D reference CNN of Greydanus 2020 (arXiv 2011.14439; ConvBase in
// the mnist1d repository's notebooks/models.py), with its channel count as the width k:
//   conv1d(C → k, kernel 5, stride 2, padding 1), ReLU
//   conv1d(k → k, kernel 3, stride 2, padding 1), ReLU
//   conv1d(k → k, kernel 3, stride 2, padding 1), ReLU
//   linear(flattened k × L₃ → classes)
// On MNIST-1D's 40-point signals the lengths are 40 → 19 → 10 → 5 and k = 25 gives the reference's
// 5 210 parameters. This file holds the geometry only; the graph is in network-graph.ts.

/** One convolution of the family: kernel size, stride and zero padding on each side. */
export interface Conv1dSpec {
  kernel: number;
  stride: number;
  pad: number;
}

export const CNN1D_CONVS: readonly Conv1dSpec[] = [
  { kernel: 5, stride: 2, pad: 1 },
  { kernel: 3, stride: 2, pad: 1 },
  { kernel: 3, stride: 2, pad: 1 },
];

/** Output length of a convolution (PyTorch's and ONNX's rule): ⌊(L + 2p − K)/s⌋ + 1. */
export function conv1dOutputLength(length: number, spec: Conv1dSpec): number {
  return Math.floor((length + 2 * spec.pad - spec.kernel) / spec.stride) + 1;
}

/** The signal a 1-D CNN reads: channels × length. */
export interface Signal {
  channels: number;
  length: number;
}

/**
 * The (channels, length) of a data set's points: its (channels, 1, length) shape when it has one,
 * else one channel of all its features. Images (height > 1) are refused: a 1-D CNN would read
 * their flattened rows as one signal, which is not what anyone means by it.
 */
export function cnn1dSignal(input: { dim: number; image?: readonly [number, number, number] }): Signal {
  if (!input.image) return { channels: 1, length: input.dim };
  const [channels, height, width] = input.image;
  if (height !== 1) {
    throw new Error(
      `the 1-D CNN (cnn1d) reads signals of shape channels × 1 × length, got images ${channels}×${height}×${width}; use the 2-D cnn family`,
    );
  }
  return { channels, length: width };
}

/**
 * Input lengths of the three convolutions and of the head (the last one: L₃). Throws a named error
 * when the signal is too short for a convolution's kernel.
 */
export function cnn1dLengths(length: number): number[] {
  const lengths = tryLengths(length);
  if (lengths.length <= CNN1D_CONVS.length) {
    const l = lengths.length - 1;
    const spec = CNN1D_CONVS[l];
    let shortest = length + 1;
    while (tryLengths(shortest).length <= CNN1D_CONVS.length) shortest++;
    throw new Error(
      `the 1-D CNN (cnn1d) needs signals of length ≥ ${shortest}, got ${length}: layer ${l + 1} ` +
        `(kernel ${spec.kernel}, stride ${spec.stride}, padding ${spec.pad}) cannot convolve length ${lengths[l]}`,
    );
  }
  return lengths;
}

/** The lengths up to the first convolution that would output nothing. */
function tryLengths(length: number): number[] {
  const lengths = [length];
  for (const spec of CNN1D_CONVS) {
    const out = conv1dOutputLength(lengths[lengths.length - 1], spec);
    if (out < 1) break;
    lengths.push(out);
  }
  return lengths;
}
