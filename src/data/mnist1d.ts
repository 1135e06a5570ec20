// MNIST-1D (Greydanus 2020, arXiv 2011.14439): a procedurally generated 1-D stand-in for MNIST —
// ten 12-point digit templates, padded, stretched, scaled, shifted, sheared and made noisy — on
// which deep-learning phenomena, double descent among them, show up on a CPU. Generated here from
// the published recipe (the repository's data.py and transform.py, as summarised in
// shared/background/small-scale-settings.md), seeded with ddlab's Rng: the statistics match the
// published data set, not its bytes (numpy's random stream is not reproduced). Isomorphic.
//
// Per sample, in order (L = 12 + padMax = 72 by default):
//   1. template + 1e-8, then pad ∈ [padMin, padMax] zeros appended;
//   2. resampled (linear interpolation) to L points;
//   3. scaled by 1 + scale·(U − 0.5);
//   4. rolled right by k ∈ [0, shift);
//   5. correlated noise — corrNoise·N(0, 1) per point, Gaussian-filtered with σ = corrSmoothing
//      (scipy's gaussian_filter: 'reflect' edges, truncated at 4σ) — put where the signal is 0;
//   6. i.i.d. noise iidNoise·N(0, 1) added everywhere;
//   7. sheared: c·linspace(−0.5, 0.5, L) subtracted, c = shear·(U − 0.5);
//   8. resampled to `length` points.
// "Where the signal is 0" (step 5), read as the original code does: the points whose value is
// exactly 0 after steps 1–4, i.e. those interpolated from padding zeros alone. The noise replaces
// them (it is not added to the template). The template itself never counts as 0, although its
// normalised first and last values are 0: step 1 adds 1e-8 to every template point, as the original
// does (transform(…, eps=1e-8)), so points interpolated partly from the template stay signal.
//
// Assembly: floor(samples/10) per class, class by class; then shuffled, optionally with the 40
// positions permuted (shuffleSeq), standardized with one global mean and standard deviation over
// every value of every sample, and split: the first floor(count·split) samples train, the rest test.
import { Rng, Streams } from '../engine/random.js';
import type { Dataset, Split } from './dataset.js';

/** The digit templates 0–9, 12 points each, before normalization. */
export const MNIST1D_TEMPLATES: readonly (readonly number[])[] = [
  [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
  [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
  [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
  [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
  [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
  [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
  [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
  [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
  [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
  [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
];

export const MNIST1D_CLASSES = 10;
const TEMPLATE_LENGTH = 12;
/** Added to every template point so that the template is never taken for padding (step 5). */
const TEMPLATE_EPS = 1e-8;

export interface Mnist1dSettings {
  /** Samples in all (train + test); floor(samples/10) per class. */
  samples: number;
  /** Fraction of the samples that train (the first floor(count·split) after shuffling). */
  split: number;
  seed: number;
  /** Zeros appended to the template: an integer drawn uniformly from [padMin, padMax]. */
  padMin: number;
  padMax: number;
  /** Scale factor 1 + scale·(U − 0.5). */
  scale: number;
  /** Roll by k drawn uniformly from [0, shift) (the original's max_translation). */
  shift: number;
  /** Standard deviation of the correlated noise before filtering. */
  corrNoise: number;
  /** σ of the Gaussian filter of the correlated noise, in points. */
  corrSmoothing: number;
  /** Standard deviation of the i.i.d. noise. */
  iidNoise: number;
  /** Shear coefficient c = shear·(U − 0.5). */
  shear: number;
  /** Points per sample after the final resampling (the data set's dim). */
  length: number;
  /** Permute the positions of every sample by one fixed random permutation (the original's shuffle_seq). */
  shuffleSeq: boolean;
}

/** The published defaults (get_dataset_args of the MNIST-1D repository). */
export const MNIST1D_DEFAULTS: Readonly<Mnist1dSettings> = {
  samples: 5000,
  split: 0.8,
  seed: 42,
  padMin: 36,
  padMax: 60,
  scale: 0.4,
  shift: 48,
  corrNoise: 0.25,
  corrSmoothing: 2,
  iidNoise: 0.02,
  shear: 0.75,
  length: 40,
  shuffleSeq: false,
};

/** One line per setting, for help texts and errors. */
export const MNIST1D_SETTING_DOCS: Readonly<Record<keyof Mnist1dSettings, string>> = {
  samples: 'samples in all, floor(samples/10) per class (integer ≥ 10)',
  split: 'fraction that trains (in (0, 1))',
  seed: 'seed of the generator (integer)',
  padMin: 'fewest zeros appended to a template (integer ≥ 0)',
  padMax: 'most zeros appended (integer ≥ padMin); the signal is first resampled to 12 + padMax points',
  scale: 'scale coefficient: factor 1 + scale·(U − 0.5) (in [0, 2))',
  shift: 'largest roll + 1: k uniform in [0, shift) (integer ≥ 1)',
  corrNoise: 'scale of the correlated noise (≥ 0)',
  corrSmoothing: 'σ of its Gaussian filter in points (> 0)',
  iidNoise: 'scale of the i.i.d. noise (≥ 0)',
  shear: 'shear coefficient: c = shear·(U − 0.5) (≥ 0)',
  length: 'points per sample, the input dimension (integer ≥ 2)',
  shuffleSeq: 'permute the positions by one fixed random permutation (true/false)',
};

// ---------------------------------------------------------------------------------------------
// The pieces of the recipe (exported for tests).

/**
 * The templates as the generator uses them: each standardized (population standard deviation),
 * shifted so that its first value is 0, and divided by 6.
 */
export function normalizedTemplates(): Float64Array[] {
  return MNIST1D_TEMPLATES.map((t) => {
    const m = t.length;
    const mean = t.reduce((a, b) => a + b, 0) / m;
    const std = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / m);
    const z = t.map((v) => (v - mean) / std);
    return Float64Array.from(z, (v) => (v - z[0]) / 6);
  });
}

/** Linear interpolation of x (at linspace(0, 1, len)) to `count` points at linspace(0, 1, count). */
export function resample(x: ArrayLike<number>, count: number): Float64Array {
  const m = x.length;
  if (m < 2) throw new Error(`resample needs at least 2 points, got ${m}`);
  if (!(Number.isInteger(count) && count >= 2))
    throw new Error(`resample: count must be an integer ≥ 2, got ${count}`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const s = (i * (m - 1)) / (count - 1); // source position
    const j = Math.min(Math.floor(s), m - 2);
    const f = s - j;
    out[i] = f === 0 ? x[j] : f === 1 ? x[j + 1] : x[j] + f * (x[j + 1] - x[j]);
  }
  return out;
}

/** x rolled right by k (numpy's roll, k ≥ 0): out[(i + k) mod len] = x[i]. */
export function roll(x: ArrayLike<number>, k: number): Float64Array {
  const m = x.length;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[(((i + k) % m) + m) % m] = x[i];
  return out;
}

/** x − c·linspace(−0.5, 0.5, len). */
export function shear(x: ArrayLike<number>, c: number): Float64Array {
  const m = x.length;
  return Float64Array.from({ length: m }, (_, i) => x[i] - c * (m === 1 ? -0.5 : i / (m - 1) - 0.5));
}

/**
 * scipy.ndimage.gaussian_filter1d with its defaults: weights e^{−j²/2σ²} for |j| ≤ ⌊4σ + 0.5⌋,
 * normalised to sum 1, and 'reflect' edges (… c b a | a b c … x y z | z y x …).
 */
export function gaussianFilter(x: ArrayLike<number>, sigma: number): Float64Array {
  if (!(Number.isFinite(sigma) && sigma > 0))
    throw new Error(`gaussianFilter: sigma must be > 0, got ${sigma}`);
  const m = x.length;
  const radius = Math.floor(4 * sigma + 0.5);
  const weights = Float64Array.from({ length: 2 * radius + 1 }, (_, j) =>
    Math.exp(-((j - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const reflect = (i: number) => {
    const period = 2 * m;
    const r = ((i % period) + period) % period;
    return r < m ? r : period - 1 - r;
  };
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = -radius; j <= radius; j++) s += weights[j + radius] * x[reflect(i + j)];
    out[i] = s / total;
  }
  return out;
}

/** One sample of the template `template` (normalized), drawing from `rng` in the recipe's order. */
export function transformTemplate(template: Float64Array, s: Mnist1dSettings, rng: Rng): Float64Array {
  const long = TEMPLATE_LENGTH + s.padMax;
  // 1. pad (the template part is offset by 1e-8 so that it never reads as padding in step 5)
  const pad = s.padMin + Math.floor(rng.uniform() * (s.padMax - s.padMin + 1));
  const padded = new Float64Array(template.length + pad);
  for (let i = 0; i < template.length; i++) padded[i] = template[i] + TEMPLATE_EPS;
  // 2. resample to L, 3. scale, 4. roll
  let x = resample(padded, long);
  const factor = 1 + s.scale * (rng.uniform() - 0.5);
  for (let i = 0; i < long; i++) x[i] *= factor;
  x = roll(x, Math.floor(rng.uniform() * s.shift));
  // 5. correlated noise where the signal is exactly 0 (the padding), 6. i.i.d. noise everywhere
  const corr = gaussianFilter(rng.fillNormal(new Float64Array(long), 0, s.corrNoise), s.corrSmoothing);
  for (let i = 0; i < long; i++) if (x[i] === 0) x[i] = corr[i];
  const iid = rng.fillNormal(new Float64Array(long), 0, s.iidNoise);
  for (let i = 0; i < long; i++) x[i] += iid[i];
  // 7. shear, 8. resample to the final length
  x = shear(x, s.shear * (rng.uniform() - 0.5));
  return resample(x, s.length);
}

// ---------------------------------------------------------------------------------------------
// Settings.

type Check = (v: number) => boolean;
/** Each numeric setting: what it must be (for errors) and the check. */
const NUMERIC_RULES: Record<Exclude<keyof Mnist1dSettings, 'shuffleSeq'>, [string, Check]> = {
  samples: ['an integer ≥ 10', (v) => Number.isSafeInteger(v) && v >= MNIST1D_CLASSES],
  split: ['a number in (0, 1)', (v) => v > 0 && v < 1],
  seed: ['an integer', (v) => Number.isSafeInteger(v)],
  padMin: ['an integer ≥ 0', (v) => Number.isSafeInteger(v) && v >= 0],
  padMax: ['an integer in [0, 10⁶]', (v) => Number.isSafeInteger(v) && v >= 0 && v <= 1e6],
  scale: ['a number in [0, 2)', (v) => v >= 0 && v < 2],
  shift: ['an integer ≥ 1', (v) => Number.isSafeInteger(v) && v >= 1],
  corrNoise: ['a finite number ≥ 0', (v) => Number.isFinite(v) && v >= 0],
  corrSmoothing: ['a number in (0, 10⁴]', (v) => v > 0 && v <= 1e4],
  iidNoise: ['a finite number ≥ 0', (v) => Number.isFinite(v) && v >= 0],
  shear: ['a finite number ≥ 0', (v) => Number.isFinite(v) && v >= 0],
  length: ['an integer in [2, 10⁶]', (v) => Number.isSafeInteger(v) && v >= 2 && v <= 1e6],
};

const mustBe = (key: keyof Mnist1dSettings) =>
  key === 'shuffleSeq' ? 'true or false' : NUMERIC_RULES[key][0];

/** The settings with the defaults filled in, checked; an error names the setting and the value. */
export function mnist1dSettings(overrides: Partial<Mnist1dSettings> = {}): Mnist1dSettings {
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(MNIST1D_DEFAULTS, key)) {
      throw new Error(
        `mnist1d: unknown setting '${key}' (known: ${Object.keys(MNIST1D_DEFAULTS).join(', ')})`,
      );
    }
  }
  const s: Mnist1dSettings = { ...MNIST1D_DEFAULTS, ...overrides };
  for (const [key, [must, check]] of Object.entries(NUMERIC_RULES) as [
    keyof typeof NUMERIC_RULES,
    [string, Check],
  ][]) {
    const v = s[key];
    if (typeof v !== 'number' || !check(v))
      throw new Error(`mnist1d: ${key} must be ${must}, got ${String(v)}`);
  }
  if (typeof s.shuffleSeq !== 'boolean') {
    throw new Error(`mnist1d: shuffleSeq must be true or false, got ${String(s.shuffleSeq)}`);
  }
  if (s.padMax < s.padMin) {
    throw new Error(`mnist1d: padMax must be ≥ padMin = ${s.padMin}, got ${s.padMax}`);
  }
  const count = MNIST1D_CLASSES * Math.floor(s.samples / MNIST1D_CLASSES);
  const train = Math.floor(count * s.split);
  if (train < 1 || train >= count) {
    throw new Error(
      `mnist1d: split = ${s.split} of ${count} samples leaves ${train} to train and ${count - train} to test; both must be ≥ 1`,
    );
  }
  return s;
}

/** The name of the built-in data set, alone or with settings: 'mnist1d' or 'mnist1d:key=value,…'. */
export const MNIST1D_NAME = 'mnist1d';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The settings named by a data set name: 'mnist1d' (the defaults) or 'mnist1d:samples=8000,split=0.5'
 * (comma-separated key=value overrides); undefined when the name is not of this form. Throws on an
 * unknown key, a repeated key, a missing '=' or a bad value, naming it.
 */
export function mnist1dSettingsFromName(name: string): Mnist1dSettings | undefined {
  if (name === MNIST1D_NAME) return mnist1dSettings();
  if (!name.startsWith(`${MNIST1D_NAME}:`)) return undefined;
  const overrides: Record<string, number | boolean> = {};
  const body = name.slice(MNIST1D_NAME.length + 1);
  if (body.trim() === '')
    throw new Error(`mnist1d: expected settings key=value,… after 'mnist1d:', got nothing`);
  for (const part of body.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`mnist1d: expected key=value, got '${part}' in '${name}'`);
    const key = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    if (!Object.hasOwn(MNIST1D_DEFAULTS, key)) {
      throw new Error(
        `mnist1d: unknown setting '${key}' (known: ${Object.keys(MNIST1D_DEFAULTS).join(', ')})`,
      );
    }
    if (Object.hasOwn(overrides, key))
      throw new Error(`mnist1d: setting '${key}' is given twice in '${name}'`);
    if (key === 'shuffleSeq') {
      if (text !== 'true' && text !== 'false')
        throw new Error(`mnist1d: shuffleSeq must be true or false, got '${text}'`);
      overrides[key] = text === 'true';
    } else {
      if (!DECIMAL.test(text)) {
        throw new Error(`mnist1d: ${key} must be ${mustBe(key as keyof Mnist1dSettings)}, got '${text}'`);
      }
      overrides[key] = Number(text);
    }
  }
  return mnist1dSettings(overrides as Partial<Mnist1dSettings>);
}

// ---------------------------------------------------------------------------------------------
// The data set.

/** MNIST-1D from `settings` (the defaults: 4000 train and 1000 test samples of 40 points). */
export function mnist1d(settings: Partial<Mnist1dSettings> = {}, name = MNIST1D_NAME): Dataset {
  const s = mnist1dSettings(settings);
  const templates = normalizedTemplates();
  const perClass = Math.floor(s.samples / MNIST1D_CLASSES);
  const count = perClass * MNIST1D_CLASSES;
  const dim = s.length;
  const rng = new Rng(s.seed, Streams.mnist1dSamples);
  const raw = new Float64Array(count * dim);
  const rawLabels = new Uint8Array(count);
  for (let c = 0, i = 0; c < MNIST1D_CLASSES; c++) {
    for (let j = 0; j < perClass; j++, i++) {
      raw.set(transformTemplate(templates[c], s, rng), i * dim);
      rawLabels[i] = c;
    }
  }
  // Shuffle the samples, optionally the positions, then standardize globally.
  const order = new Rng(s.seed, Streams.mnist1dShuffle).permutation(count);
  const positions = s.shuffleSeq
    ? new Rng(s.seed, Streams.mnist1dPositions).permutation(dim)
    : Int32Array.from({ length: dim }, (_, j) => j);
  const x = new Float64Array(count * dim);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const from = order[i] * dim;
    for (let j = 0; j < dim; j++) x[i * dim + j] = raw[from + positions[j]];
    labels[i] = rawLabels[order[i]];
  }
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / x.length);
  for (let k = 0; k < x.length; k++) x[k] = (x[k] - mean) / std;
  const trainCount = Math.floor(count * s.split);
  const split = (from: number, to: number): Split => ({
    x: x.slice(from * dim, to * dim),
    labels: labels.slice(from, to),
    count: to - from,
  });
  return {
    name,
    dim,
    classes: MNIST1D_CLASSES,
    // One channel, one row of `length` points: what a 1-D signal is in the (C, H, W) of images.
    shape: [1, 1, dim],
    train: split(0, trainCount),
    test: split(trainCount, count),
  };
}

/** MNIST-1D by data set name ('mnist1d' or 'mnist1d:key=value,…'); undefined for other names. */
export function mnist1dByName(name: string): Dataset | undefined {
  const settings = mnist1dSettingsFromName(name);
  return settings && mnist1d(settings, name);
}
