// Seeded randomness. The bit generator is pure-rand's xoroshiro128+; the distributions on top are
// ours. Every stream is consumed strictly in order, so the numbers depend only on the seed and the
// position in the stream — never on block sizes, batch sizes or thread counts.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type BitGenerator = ReturnType<typeof xoroshiro128plus>;

const SCALE_26 = 2 ** -26;
const SCALE_53 = 2 ** -53;

export class Rng {
  private readonly gen: BitGenerator;
  private spareNormal: number | undefined;

  /** `seed` is any integer; `stream` selects an independent sub-stream (e.g. one per purpose). */
  constructor(seed: number, stream = 0) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.gen = xoroshiro128plus(mixSeed(seed, stream));
    // Discard a few outputs: seeds that differ in few bits start out correlated.
    for (let i = 0; i < 16; i++) this.gen.next();
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = (this.gen.next() >>> 6) & 0x3ffffff; // 26 bits
    const lo = (this.gen.next() >>> 5) & 0x7ffffff; // 27 bits
    return hi * SCALE_26 + lo * SCALE_53;
  }

  /** Uniform on [0, 1) with 32 random bits: half the cost of uniform(). */
  uniform32(): number {
    return (this.gen.next() >>> 0) * 2 ** -32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /**
   * Standard normal, by Marsaglia's polar method (no trigonometry, so about twice as fast as
   * Box–Muller); each accepted pair gives two samples, used in order.
   */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    return this.polarPair();
  }

  /** Fills `out` with N(mean, std²) samples: the same numbers as calling normal() in a loop. */
  fillNormal(out: Float64Array, mean = 0, std = 1): Float64Array {
    let i = 0;
    if (this.spareNormal !== undefined && out.length > 0) out[i++] = mean + std * this.normal();
    // Whole pairs without the spare's bookkeeping (the hot loop of drawing feature weights).
    for (; i + 1 < out.length; i += 2) {
      out[i] = mean + std * this.polarPair();
      out[i + 1] = mean + std * (this.spareNormal as number);
      this.spareNormal = undefined;
    }
    if (i < out.length) out[i] = mean + std * this.normal();
    return out;
  }

  /** One polar-method pair: returns the first sample and keeps the second as the spare. */
  private polarPair(): number {
    let u: number;
    let v: number;
    let s: number;
    // 32-bit uniforms suffice here (the result's resolution is set by the log and sqrt).
    do {
      u = 2 * this.uniform32() - 1;
      v = 2 * this.uniform32() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Fills `out` with U[low, high) samples. */
  fillUniform(out: Float64Array, low = 0, high = 1): Float64Array {
    const w = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + w * this.uniform();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** A 32-bit seed from (seed, stream) via a splitmix-style integer hash. */
function mixSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul((seed / 2 ** 32) | 0, 0x85ebca6b)) | 0;
  h = (h ^ Math.imul(stream | 0, 0xc2b2ae35)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Named sub-streams, so that adding a new use of randomness never shifts an existing one. */
export const Streams = {
  subset: 1,
  labelNoise: 2,
  features: 3,
  featureBias: 4,
  /** Network weights at initialisation (one stream per ensemble member's seed). */
  init: 5,
  /** The order of minibatches in training. */
  batchOrder: 6,
  /** New units of a wider network grown from a trained narrower one (Belkin's weight reuse). */
  grownUnits: 7,
  /** The random start vector of the sharpness power iteration (src/probes/sharpness.ts). */
  sharpnessStart: 40,
  /** The minibatch order of the minibatch R_IG probe (src/probes/gradient-regularization.ts). */
  minibatchRigOrder: 41,
  /** The start vector of the spectral norms' Lanczos runs (src/probes/norm-capacity.ts). */
  spectralNormStart: 42,
  /** MNIST-1D (src/data/mnist1d.ts): every sample's random transform, in the recipe's order. */
  mnist1dSamples: 50,
  /** MNIST-1D: the order of the samples. */
  mnist1dShuffle: 51,
  /** MNIST-1D: the permutation of the positions (shuffleSeq). */
  mnist1dPositions: 52,
  /** Two-scale linear data (src/data/two-scale-linear.ts): the design. */
  twoScaleDesign: 53,
  /** Two-scale linear data: the teacher. */
  twoScaleTeacher: 54,
  /** Two-scale linear data: the label noise of each draw. */
  twoScaleNoise: 55,
  /**
   * Data augmentation (src/data/augment.ts): the base of one stream per optimizer step; step t uses
   * stream augment + t, so a step's crops and flips depend only on the seed and t (t < 2³⁰ keeps
   * the streams clear of every other one).
   */
  augment: 0x4000_0000,
} as const;
