// Linear regression on features of two scales: the epoch-wise double-descent model of Heckel &
// Yilmaz 2020 (arXiv 2007.10099) and Pezeshki et al. 2022 ("fast and slow features"). Isomorphic.
//
//   z ~ N(0, I_d),  x = S z  with S = diag(1 on the first `fast` coordinates, 1/κ on the `slow` rest),
//   y = ⟨θ, z⟩ + ε = ⟨β, x⟩ + ε,  β = S⁻¹θ,  θ ~ N(0, (r²/d) I_d),  ε ~ N(0, σ²).
//
// The excess test risk of a weight vector w is E_x[(⟨w, x⟩ − ⟨β, x⟩)²] = Σ_j s_j² (w_j − β_j)² =
// ‖Sw − θ‖² (r² on average at w = 0). Pezeshki et al. rotate x by a random orthogonal V; gradient
// descent with one step size is rotation-equivariant, so their curves are these (up to their ½ on
// the squared loss), and the per-group step sizes of Heckel & Yilmaz need the groups axis-aligned.
//
// One design X (n × d) per seed; `draws` independent (θ, ε) on it, so that the measured mean over
// draws estimates the exact expected risk of that design (src/theory/gradient-descent.ts).
import { matrix, type Matrix } from '../engine/matrix.js';
import { Rng, Streams } from '../engine/random.js';

export interface TwoScaleOptions {
  /** Training points. */
  n: number;
  /** Features of scale 1. */
  fast: number;
  /** Features of scale 1/κ. */
  slow: number;
  /** The scale ratio κ > 0. */
  kappa: number;
  /** r: E‖θ‖² = r², the risk of w = 0. */
  signal: number;
  /** σ, the label noise's standard deviation. */
  noise: number;
  /** Independent (θ, ε) on the one design. */
  draws: number;
  seed: number;
}

export interface TwoScaleProblem {
  /** The design, n × d (d = fast + slow), row by row from the seed. */
  x: Matrix;
  /** s_j: 1 for fast features, 1/κ for slow ones. */
  scales: Float64Array;
  /** β = S⁻¹θ of each draw: column r of a d × draws matrix. */
  betas: Matrix;
  /** Targets of each draw: column r of an n × draws matrix. */
  y: Matrix;
  /** The test inputs' covariance, diagonal: s_j². */
  testCovariance: Float64Array;
  /** E β_j² = r²/(d s_j²): the prior the expected risk averages over. */
  betaVariance: Float64Array;
}

export function twoScaleLinear(o: TwoScaleOptions): TwoScaleProblem {
  const { n, fast, slow, kappa, signal, noise, draws, seed } = o;
  const integer = (name: string, v: number, min: number) => {
    if (!(Number.isSafeInteger(v) && v >= min))
      throw new Error(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  integer('n', n, 1);
  integer('fast', fast, 0);
  integer('slow', slow, 0);
  integer('draws', draws, 1);
  integer('seed', seed, -(2 ** 52));
  if (fast + slow < 1) throw new Error(`fast + slow must be ≥ 1, got ${fast + slow}`);
  if (!(Number.isFinite(kappa) && kappa > 0))
    throw new Error(`kappa must be a finite number > 0, got ${kappa}`);
  if (!(Number.isFinite(signal) && signal >= 0))
    throw new Error(`signal must be a finite number ≥ 0, got ${signal}`);
  if (!(Number.isFinite(noise) && noise >= 0))
    throw new Error(`noise must be a finite number ≥ 0, got ${noise}`);
  const d = fast + slow;
  const scales = Float64Array.from({ length: d }, (_, j) => (j < fast ? 1 : 1 / kappa));
  const x = matrix(n, d);
  new Rng(seed, Streams.twoScaleDesign).fillNormal(x.data);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x.data[i * d + j] *= scales[j];
  // Draw by draw: θ (d values), then ε (n values), each from its own stream.
  const teacher = new Rng(seed, Streams.twoScaleTeacher);
  const noiseRng = new Rng(seed, Streams.twoScaleNoise);
  const betas = matrix(d, draws);
  const y = matrix(n, draws);
  const theta = new Float64Array(d);
  const eps = new Float64Array(n);
  for (let r = 0; r < draws; r++) {
    teacher.fillNormal(theta, 0, signal / Math.sqrt(d));
    noiseRng.fillNormal(eps, 0, noise);
    for (let j = 0; j < d; j++) betas.data[j * draws + r] = theta[j] / scales[j];
    for (let i = 0; i < n; i++) {
      let t = eps[i];
      for (let j = 0; j < d; j++) t += x.data[i * d + j] * betas.data[j * draws + r];
      y.data[i * draws + r] = t;
    }
  }
  return {
    x,
    scales,
    betas,
    y,
    testCovariance: scales.map((s) => s * s),
    betaVariance: scales.map((s) => (signal * signal) / d / (s * s)),
  };
}
