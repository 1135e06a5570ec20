// Data augmentation as in Nakkiran et al. 2019 and the standard CIFAR recipe: each training image of
// each minibatch is padded with p zeros on every side, cropped back to H×W at a uniformly random
// offset (dy, dx) ∈ [0, 2p]², then mirrored left–right with probability 1/2. Images are rows of
// length C·H·W in channel-major (CHW) order, as ddlab's image data sets store them. The draws come
// from a seeded stream per optimizer step, so the same seed and step give the same batch whatever
// was drawn before (evaluation never augments).
import { Rng, Streams } from '../engine/random.js';

export interface AugmentOptions {
  /** Zero padding p of the random crop (0: no crop). */
  pad: number;
  /** Mirror left–right with probability 1/2. */
  flip: boolean;
}

/** The paper's augmentation: random crop with padding 4 and random horizontal flip. */
export const STANDARD_AUGMENT: AugmentOptions = { pad: 4, flip: true };

/**
 * The `augment` setting: 'on' applies STANDARD_AUGMENT, 'off' nothing, and 'auto' applies it to
 * colour images (3 or more channels, CIFAR-like) only: crops and mirror images of digits or
 * clothing items on a blank background are not the same class distribution (a mirrored 2 is no 2).
 */
export type AugmentSetting = 'off' | 'on' | 'auto';
export const AUGMENT_SETTINGS = ['off', 'on', 'auto'] as const satisfies readonly AugmentSetting[];

/** A per-minibatch transform of training inputs: `count` rows of x, in place, for optimizer step `step`. */
export type MinibatchTransform = (x: Float32Array | Float64Array, count: number, step: number) => void;

/**
 * What `setting` means for images of `shape` (undefined: not an image data set): the options, or
 * undefined for no augmentation. 'on' for data that are not images, or too small for the padding,
 * is an error naming the problem.
 */
export function augmentOptionsFor(
  setting: AugmentSetting,
  shape: readonly [number, number, number] | undefined,
): AugmentOptions | undefined {
  if (setting === 'off') return undefined;
  if (setting === 'auto' && !(shape && shape[0] >= 3 && shape[1] > 1)) return undefined;
  if (!shape)
    throw new Error(
      "augment 'on' needs image data (channels, height, width); this data set has no image shape",
    );
  checkShape(shape, STANDARD_AUGMENT);
  return STANDARD_AUGMENT;
}

/**
 * The transform a trainer applies to each minibatch: step t's crops and flips are drawn from
 * Rng(seed, Streams.augment + t), image by image in batch order (dy, then dx, then the flip).
 */
export function minibatchAugmenter(
  shape: readonly [number, number, number],
  options: AugmentOptions,
  seed: number,
): MinibatchTransform {
  checkShape(shape, options);
  return (x, count, step) => {
    if (!(Number.isInteger(step) && step >= 0 && step < 2 ** 30)) {
      throw new Error(`augment: step must be an integer in [0, 2^30), got ${step}`);
    }
    augmentBatch(x, count, shape, new Rng(seed, Streams.augment + step), options);
  };
}

/**
 * Augments the `count` rows of x (each C·H·W values, CHW order; x holds exactly these) in place: for each image in
 * order, draws dy and dx uniformly in [0, 2p] (only when p > 0) and then the flip (only when
 * options.flip), and replaces the image by its crop of the zero-padded image, mirrored if drawn.
 */
export function augmentBatch(
  x: Float32Array | Float64Array,
  count: number,
  shape: readonly [number, number, number],
  rng: Rng,
  options: AugmentOptions = STANDARD_AUGMENT,
): void {
  checkShape(shape, options);
  const [c, h, w] = shape;
  const size = c * h * w;
  if (!(Number.isInteger(count) && count >= 0))
    throw new Error(`augment: count must be an integer ≥ 0, got ${count}`);
  if (x.length !== count * size) {
    throw new Error(
      `augment: x has ${x.length} values, but ${count} rows of length C·H·W = ${c}·${h}·${w} = ${size} ` +
        `make ${count * size}`,
    );
  }
  const { pad, flip } = options;
  const source = new Float64Array(size);
  for (let r = 0; r < count; r++) {
    // Output (i, j) reads source (i + dy − p, j' + dx − p), j' = j or w − 1 − j: crop, then mirror.
    const dy = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
    const dx = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
    const mirror = flip && rng.uniform() < 0.5;
    if (dy === 0 && dx === 0 && !mirror) continue;
    const row = x.subarray(r * size, (r + 1) * size);
    source.set(row);
    for (let ch = 0; ch < c; ch++) {
      const plane = ch * h * w;
      for (let i = 0; i < h; i++) {
        const si = i + dy;
        const out = plane + i * w;
        if (si < 0 || si >= h) {
          row.fill(0, out, out + w);
          continue;
        }
        const from = plane + si * w;
        for (let j = 0; j < w; j++) {
          const sj = (mirror ? w - 1 - j : j) + dx;
          row[out + j] = sj >= 0 && sj < w ? source[from + sj] : 0;
        }
      }
    }
  }
}

function checkShape(shape: readonly [number, number, number], options: AugmentOptions): void {
  const [c, h, w] = shape;
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(
      `augment: image shape must be three positive integers (channels, height, width), got ${shape.join('×')}`,
    );
  }
  const { pad } = options;
  if (!(Number.isInteger(pad) && pad >= 0))
    throw new Error(`augment: pad must be an integer ≥ 0, got ${pad}`);
  // A padding as large as the image would allow crops with no pixel of it left.
  if (pad > 0 && (pad >= h || pad >= w)) {
    throw new Error(`augment: pad ${pad} must be smaller than the image's height and width (${c}×${h}×${w})`);
  }
}
