// Synthetic one-dimensional regression: y = f(x) + ε, x uniform on an interval, ε ~ N(0, σ²).
// The targets f are the textbook ones — sin(2πx) (Bishop, PRML §1.1), a polynomial given by its
// coefficients, or a smooth random function (a random finite Fourier series drawn from the seed).
// Besides the noisy training and test samples it gives a dense noise-free grid for plotting.
// Isomorphic: no Node APIs.
import { Rng } from '../engine/random.js';

export const TARGETS = ['sin', 'polynomial', 'fourier'] as const;
export type TargetName = (typeof TARGETS)[number];

/**
 * How the n training x are drawn: 'uniform' — independently from U[lo, hi]; 'stratified' — one point
 * uniform in each of the n equal cells of [lo, hi] (each x is still uniform on the interval when
 * its cell is picked at random, but no gap exceeds two cells). Test points are always 'uniform'.
 */
export const DESIGNS = ['uniform', 'stratified'] as const;
export type Design = (typeof DESIGNS)[number];

export interface TargetSpec {
  name: TargetName;
  /** 'polynomial': c₀ + c₁x + c₂x² + … in the raw x. */
  coefficients?: readonly number[];
  /** 'fourier': number of harmonics K (default 6). */
  terms?: number;
}

/** Points of one split, with the noise-free target beside the observed one. */
export interface Sample1d {
  readonly x: Float64Array;
  /** Observed targets f(x) + ε. */
  readonly y: Float64Array;
  /** Noise-free targets f(x). */
  readonly truth: Float64Array;
}

export interface Regression1dOptions {
  target: TargetSpec;
  /** Training points. */
  n: number;
  /** Test points: fresh draws of x and ε, independent of the training set. */
  nTest: number;
  /** Noise standard deviation σ ≥ 0. */
  noise: number;
  /** The design interval [lo, hi] that x is drawn uniformly from (default [0, 1]). */
  interval?: readonly [number, number];
  /** The training design (default 'uniform'). */
  design?: Design;
  /** Points of the evenly spaced noise-free plotting grid, endpoints included (default 200). */
  gridSize?: number;
  seed: number;
}

export interface Regression1d {
  readonly name: string;
  readonly interval: readonly [number, number];
  readonly design: Design;
  readonly noise: number;
  readonly f: (x: number) => number;
  readonly train: Sample1d;
  readonly test: Sample1d;
  /** The plotting grid: y equals truth (no noise). */
  readonly grid: Sample1d;
}

// Random streams of this generator (src/engine/random.ts's Streams holds 1–7, 40–41). Each purpose has its
// own stream, so e.g. a larger test set never changes the training set or the random target.
const STREAM_TARGET = 30; // coefficients of the random Fourier target
const STREAM_TRAIN_X = 31;
const STREAM_TRAIN_NOISE = 32;
const STREAM_TEST_X = 33;
const STREAM_TEST_NOISE = 34;
const STREAM_DRAWS_X = 35; // the independent training sets of trainingSetDraws
const STREAM_DRAWS_NOISE = 36;

const DEFAULT_INTERVAL: readonly [number, number] = [0, 1];

export function regression1d(options: Regression1dOptions): Regression1d {
  const { n, nTest, noise, seed } = options;
  const interval = checkInterval(options.interval ?? DEFAULT_INTERVAL);
  const gridSize = options.gridSize ?? 200;
  const design = options.design ?? 'uniform';
  if (!DESIGNS.includes(design))
    throw new Error(`design must be one of ${DESIGNS.join(', ')}, got ${JSON.stringify(design)}`);
  checkCount('n', n);
  checkCount('nTest', nTest);
  checkNoise(noise);
  if (!(Number.isSafeInteger(gridSize) && gridSize >= 2))
    throw new Error(`gridSize must be an integer ≥ 2, got ${gridSize}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const f = targetFunction(options.target, interval, seed);
  const train = sample1d(
    f,
    n,
    noise,
    interval,
    design,
    new Rng(seed, STREAM_TRAIN_X),
    new Rng(seed, STREAM_TRAIN_NOISE),
  );
  const test = sample1d(
    f,
    nTest,
    noise,
    interval,
    'uniform',
    new Rng(seed, STREAM_TEST_X),
    new Rng(seed, STREAM_TEST_NOISE),
  );
  const gx = new Float64Array(gridSize);
  const [lo, hi] = interval;
  for (let i = 0; i < gridSize; i++) gx[i] = i === gridSize - 1 ? hi : lo + ((hi - lo) * i) / (gridSize - 1);
  const gt = gx.map(f);
  return {
    name: describeTarget(options.target),
    interval,
    design,
    noise,
    f,
    train,
    test,
    grid: { x: gx, y: gt, truth: gt },
  };
}

/**
 * Independent training sets of `n` points from the same target, interval and noise as `data`
 * (for bias–variance estimates): the r-th call returns the r-th set. The draws come from streams
 * of their own, consumed in order, so they depend only on the seed and the call count — and never
 * coincide with data.train.
 */
export function trainingSetDraws(data: Regression1d, n: number, seed: number): () => Sample1d {
  checkCount('n', n);
  const xRng = new Rng(seed, STREAM_DRAWS_X);
  const noiseRng = new Rng(seed, STREAM_DRAWS_NOISE);
  return () => sample1d(data.f, n, data.noise, data.interval, data.design, xRng, noiseRng);
}

/** The target f for a spec; 'fourier' draws its coefficients from the seed. */
export function targetFunction(
  spec: TargetSpec,
  interval: readonly [number, number],
  seed: number,
): (x: number) => number {
  switch (spec?.name) {
    case 'sin':
      return (x) => Math.sin(2 * Math.PI * x);
    case 'polynomial': {
      const c = spec.coefficients;
      if (
        !Array.isArray(c) ||
        c.length === 0 ||
        !c.every((v) => typeof v === 'number' && Number.isFinite(v))
      ) {
        throw new Error(
          `target 'polynomial' needs coefficients: a non-empty list of finite numbers (c₀, c₁, …), got ${JSON.stringify(c)}`,
        );
      }
      const coef = Float64Array.from(c);
      return (x) => {
        let s = 0;
        for (let k = coef.length - 1; k >= 0; k--) s = s * x + coef[k];
        return s;
      };
    }
    case 'fourier':
      return randomFourierSeries(spec.terms ?? 6, interval, seed);
    default:
      throw new Error(`target must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(spec?.name)}`);
  }
}

/**
 * f(x) = Σ_{k=1..K} a_k cos(2πk u) + b_k sin(2πk u), u = (x − lo)/(hi − lo), with a_k, b_k ~ N(0, k⁻⁴)
 * (a quickly decaying spectrum: smooth, dominated by the first few harmonics), rescaled so that the
 * mean of f² over the interval is ½ — the same as sin(2πx) over a period, so noise levels mean the
 * same thing for both targets.
 */
function randomFourierSeries(
  terms: number,
  interval: readonly [number, number],
  seed: number,
): (x: number) => number {
  if (!(Number.isSafeInteger(terms) && terms >= 1))
    throw new Error(`target 'fourier' needs terms ≥ 1 (an integer), got ${JSON.stringify(terms)}`);
  const rng = new Rng(seed, STREAM_TARGET);
  const a = new Float64Array(terms);
  const b = new Float64Array(terms);
  let meanSquare = 0;
  for (let k = 1; k <= terms; k++) {
    a[k - 1] = rng.normal() / (k * k);
    b[k - 1] = rng.normal() / (k * k);
    meanSquare += (a[k - 1] ** 2 + b[k - 1] ** 2) / 2;
  }
  const norm = Math.sqrt(0.5 / meanSquare);
  const [lo, hi] = interval;
  return (x) => {
    const u = (2 * Math.PI * (x - lo)) / (hi - lo);
    let s = 0;
    for (let k = 1; k <= terms; k++) s += a[k - 1] * Math.cos(k * u) + b[k - 1] * Math.sin(k * u);
    return norm * s;
  };
}

function sample1d(
  f: (x: number) => number,
  count: number,
  noise: number,
  [lo, hi]: readonly [number, number],
  design: Design,
  xRng: Rng,
  noiseRng: Rng,
): Sample1d {
  const u = xRng.fillUniform(new Float64Array(count));
  // Stratified: the same uniforms, each squeezed into its own cell [lo + i·h, lo + (i + 1)·h).
  const x = u.map((v, i) =>
    design === 'stratified' ? lo + ((i + v) * (hi - lo)) / count : lo + v * (hi - lo),
  );
  const truth = x.map(f);
  const eps = noiseRng.fillNormal(new Float64Array(count), 0, noise);
  const y = truth.map((t, i) => t + eps[i]);
  return { x, y, truth };
}

export function describeTarget(spec: TargetSpec): string {
  if (spec.name === 'sin') return 'sin(2πx)';
  if (spec.name === 'polynomial') return `polynomial of degree ${(spec.coefficients?.length ?? 1) - 1}`;
  return `random Fourier series (${spec.terms ?? 6} harmonics)`;
}

function checkCount(field: string, v: number): void {
  if (!(Number.isSafeInteger(v) && v >= 1)) throw new Error(`${field} must be an integer ≥ 1, got ${v}`);
}

function checkNoise(v: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
    throw new Error(`noise σ must be a finite number ≥ 0, got ${v}`);
}

function checkInterval(v: readonly [number, number]): readonly [number, number] {
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((t) => typeof t === 'number' && Number.isFinite(t)) ||
    !(v[0] < v[1])
  ) {
    throw new Error(`interval must be [lo, hi] with finite lo < hi, got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]];
}
