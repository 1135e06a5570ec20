// The isotropic linear-Gaussian model: x ~ N(0, I_d), y = ⟨β, x⟩ + ε, ε ~ N(0, σ²), ‖β‖ = r with
// β's direction uniformly random from the seed — the model of Hastie et al. 2019 and the inputs and
// target of Mei & Montanari 2019 (src/theory/). Isomorphic: no Node APIs.
//
// Nesting: the inputs are drawn coordinate by coordinate (all n training values of coordinate 0, then
// of coordinate 1, …), so the first p columns of the inputs for dimension d are the inputs for
// dimension p (same seed, n and nTest); the noise does not depend on d at all. Sweeps over the
// dimension thus use common random numbers.
import { matrix, type Matrix } from '../engine/matrix.js';
import { Rng } from '../engine/random.js';

// Random streams of this generator: src/engine/random.ts's Streams holds 1–7 and 40–41, regression-1d 30–36.
const STREAM_BETA = 10; // direction of β
const STREAM_TRAIN_X = 11;
const STREAM_TRAIN_NOISE = 12;
const STREAM_TEST_X = 13; // fresh test inputs,
const STREAM_TEST_NOISE = 14; // and their label noise

export interface LinearGaussianOptions {
  /** Input dimension d ≥ 1. */
  d: number;
  /** Training points n ≥ 1. */
  n: number;
  /** Test points (fresh inputs and noise, independent of the training set), ≥ 0. */
  nTest: number;
  /** ‖β‖ ≥ 0. */
  r: number;
  /** Noise standard deviation σ ≥ 0. */
  sigma: number;
  seed: number;
}

export interface LinearSample {
  /** Inputs, count × d. */
  readonly x: Matrix;
  /** Observed targets ⟨β, x⟩ + ε. */
  readonly y: Float64Array;
  /** Noise-free targets ⟨β, x⟩. */
  readonly truth: Float64Array;
}

export interface LinearGaussian {
  readonly d: number;
  readonly r: number;
  readonly sigma: number;
  readonly beta: Float64Array;
  readonly train: LinearSample;
  readonly test: LinearSample;
}

export function linearGaussian(o: LinearGaussianOptions): LinearGaussian {
  const { d, n, nTest, r, sigma, seed } = o;
  check('d', d, Number.isSafeInteger(d) && d >= 1, 'a positive integer');
  check('n', n, Number.isSafeInteger(n) && n >= 1, 'a positive integer');
  check('nTest', nTest, Number.isSafeInteger(nTest) && nTest >= 0, 'an integer ≥ 0');
  check('r', r, Number.isFinite(r) && r >= 0, 'a finite number ≥ 0');
  check('sigma', sigma, Number.isFinite(sigma) && sigma >= 0, 'a finite number ≥ 0');
  check('seed', seed, Number.isSafeInteger(seed), 'an integer');

  const beta = new Rng(seed, STREAM_BETA).fillNormal(new Float64Array(d));
  let norm = 0;
  for (let j = 0; j < d; j++) norm += beta[j] * beta[j];
  const s = norm > 0 ? r / Math.sqrt(norm) : 0;
  for (let j = 0; j < d; j++) beta[j] *= s;

  return {
    d,
    r,
    sigma,
    beta,
    train: sample(n, beta, sigma, new Rng(seed, STREAM_TRAIN_X), new Rng(seed, STREAM_TRAIN_NOISE)),
    test: sample(nTest, beta, sigma, new Rng(seed, STREAM_TEST_X), new Rng(seed, STREAM_TEST_NOISE)),
  };
}

function sample(count: number, beta: Float64Array, sigma: number, xRng: Rng, noiseRng: Rng): LinearSample {
  const d = beta.length;
  const x = matrix(count, d);
  const column = new Float64Array(count);
  for (let j = 0; j < d; j++) {
    xRng.fillNormal(column);
    for (let i = 0; i < count; i++) x.data[i * d + j] = column[i];
  }
  const truth = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) t += x.data[i * d + j] * beta[j];
    truth[i] = t;
  }
  const y = noiseRng.fillNormal(new Float64Array(count), 0, sigma);
  for (let i = 0; i < count; i++) y[i] += truth[i];
  return { x, y, truth };
}

function check(field: string, v: number, ok: boolean, allowed: string): void {
  if (!ok) throw new Error(`${field} must be ${allowed}, got ${v}`);
}
