import { describe, expect, it } from 'vitest';
import {
  gaussianFilter,
  MNIST1D_DEFAULTS,
  MNIST1D_TEMPLATES,
  mnist1d,
  mnist1dSettings,
  mnist1dSettingsFromName,
  normalizedTemplates,
  resample,
  roll,
  shear,
  transformTemplate,
} from '../src/data/mnist1d.js';
import { Rng } from '../src/engine/random.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { ensemblePlan } from '../src/fit/train/ensemble-plan.js';
import { schemaFields, type Config } from '../src/experiments/preset.js';
import { PRESETS, presetNamed } from '../src/experiments/presets.js';

const small = { samples: 600 };

function moments(x: Float64Array): { mean: number; std: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return { mean, std: Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length) };
}

describe('MNIST-1D: the pieces of the recipe', () => {
  it('normalizes each template: population-standardized, first value 0, divided by 6', () => {
    const t = normalizedTemplates();
    expect(t).toHaveLength(10);
    t.forEach((row, c) => {
      expect(row).toHaveLength(12);
      expect(row[0]).toBe(0);
      // 6·row is the standardized template shifted by a constant: std 1, and shifted by −z[0].
      const { std } = moments(row.map((v) => 6 * v));
      expect(std).toBeCloseTo(1, 12);
      const raw = MNIST1D_TEMPLATES[c];
      // Differences are the raw differences over the raw std, over 6.
      const rawStd = moments(Float64Array.from(raw)).std;
      expect(row[5] - row[2]).toBeCloseTo((raw[5] - raw[2]) / rawStd / 6, 12);
    });
    // Template 0 by hand: mean 6.375, std √(0.4323); (6.5 − 5)/std/6.
    const std0 = Math.sqrt(
      [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5].reduce((a, v) => a + (v - 6.375) ** 2, 0) / 12,
    );
    expect(t[0][2]).toBeCloseTo(1.5 / std0 / 6, 12);
    expect(t[0][11]).toBeCloseTo(0, 12); // starts and ends at 0
  });

  it('resamples by linear interpolation over [0, 1]', () => {
    expect(Array.from(resample([0, 1, 2, 3], 7))).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(Array.from(resample([0, 10], 3))).toEqual([0, 5, 10]);
    expect(Array.from(resample([0, 1, 4, 9, 16], 3))).toEqual([0, 4, 16]);
    // 12 template points + 60 zeros to 72: point 0 is the template's first value, the end is 0.
    const x = resample([1, 2, 3, 0, 0], 9);
    expect(Array.from(x)).toEqual([1, 1.5, 2, 2.5, 3, 1.5, 0, 0, 0]);
    expect(() => resample([1], 4)).toThrow(/at least 2 points/);
  });

  it('rolls right like numpy.roll, and shears by c·linspace(−0.5, 0.5)', () => {
    expect(Array.from(roll([1, 2, 3, 4, 5], 2))).toEqual([4, 5, 1, 2, 3]);
    expect(Array.from(roll([1, 2, 3], 0))).toEqual([1, 2, 3]);
    expect(Array.from(shear([0, 0, 0], 1))).toEqual([0.5, 0, -0.5]);
    expect(Array.from(shear([1, 1, 1, 1, 1], 2))).toEqual([2, 1.5, 1, 0.5, 0]);
  });

  it("filters like scipy's gaussian_filter1d (reflect edges, radius ⌊4σ + ½⌋)", () => {
    // A constant stays constant (the weights sum to 1, reflection keeps the constant).
    for (const v of gaussianFilter(new Float64Array(20).fill(3), 2)) expect(v).toBeCloseTo(3, 14);
    // A unit impulse in the middle gives the normalized kernel e^{−j²/8}/Σ, radius 8 at σ = 2.
    const impulse = new Float64Array(41);
    impulse[20] = 1;
    const out = gaussianFilter(impulse, 2);
    let total = 0;
    for (let j = -8; j <= 8; j++) total += Math.exp(-(j * j) / 8);
    expect(out[20]).toBeCloseTo(1 / total, 14);
    expect(out[23]).toBeCloseTo(Math.exp(-9 / 8) / total, 14);
    expect(out[28]).toBeCloseTo(Math.exp(-64 / 8) / total, 16);
    expect(out[29]).toBe(0);
    // Reflect: an impulse at index 0 folds back, so x'[0] gets weights of j = 0 and j = −1.
    const edge = gaussianFilter([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2);
    expect(edge[0]).toBeCloseTo((1 + Math.exp(-1 / 8)) / total, 14);
  });

  it('puts the correlated noise only where the signal is exactly 0 (the padding), never on the template', () => {
    const s = mnist1dSettings({ iidNoise: 0, shear: 0, scale: 0, shift: 1, padMin: 60, padMax: 60 });
    // Template 0 starts and ends at 0: with 1e-8 added it stays signal; with 60 zeros of padding and
    // no roll, the template fills the first 12 of 72 points (resampled 72 → 72 is the identity).
    const t = normalizedTemplates()[0];
    const x = transformTemplate(t, { ...s, length: 72 }, new Rng(1));
    for (let i = 0; i < 12; i++) expect(x[i]).toBeCloseTo(t[i], 7);
    // The padding holds the filtered noise, not zeros.
    const pad = x.slice(12);
    expect(pad.every((v) => v !== 0)).toBe(true);
    expect(moments(pad).std).toBeGreaterThan(0.02);
    // Without correlated noise the padding stays exactly 0.
    const quiet = transformTemplate(t, { ...s, length: 72, corrNoise: 0 }, new Rng(1));
    expect(Array.from(quiet.slice(12)).every((v) => v === 0)).toBe(true);
  });
});

describe('MNIST-1D: the data set', () => {
  it('has the published shape: 4000 train and 1000 test samples of 40 points, 10 classes', () => {
    const ds = mnist1d();
    expect(ds.name).toBe('mnist1d');
    expect([ds.dim, ds.classes, ds.train.count, ds.test.count]).toEqual([40, 10, 4000, 1000]);
    expect(ds.shape).toEqual([1, 1, 40]);
    expect(ds.train.x).toHaveLength(4000 * 40);
    expect(ds.test.x).toHaveLength(1000 * 40);
    // Globally standardized: mean 0, std 1 over every value of both splits together.
    const all = new Float64Array(5000 * 40);
    all.set(ds.train.x);
    all.set(ds.test.x, ds.train.x.length);
    const { mean, std } = moments(all);
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(std).toBeCloseTo(1, 12);
    // Exactly 500 per class over both splits.
    const counts = new Array(10).fill(0);
    for (const l of [...ds.train.labels, ...ds.test.labels]) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(500));
  });

  it('is deterministic per seed, and different seeds differ', () => {
    const a = mnist1d(small);
    const b = mnist1d(small);
    expect(a.train.x).toEqual(b.train.x);
    expect(a.test.labels).toEqual(b.test.labels);
    const c = mnist1d({ ...small, seed: 43 });
    expect(c.train.x).not.toEqual(a.train.x);
    expect(c.train.labels).not.toEqual(a.train.labels);
  });

  it('splits floor(count·split) to train, drops the remainder of samples/10', () => {
    const ds = mnist1d({ samples: 1234, split: 0.5 });
    expect([ds.train.count, ds.test.count]).toEqual([615, 615]);
    const counts = new Array(10).fill(0);
    for (const l of [...ds.train.labels, ...ds.test.labels]) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(123));
    const shorter = mnist1d({ samples: 100, length: 20 });
    expect([shorter.dim, shorter.shape?.[2], shorter.train.count]).toEqual([20, 20, 80]);
  });

  it('shuffleSeq permutes the positions with one fixed permutation', () => {
    const plain = mnist1d(small);
    const shuffled = mnist1d({ ...small, shuffleSeq: true });
    expect(shuffled.train.labels).toEqual(plain.train.labels);
    const row = (x: Float64Array, i: number) => Array.from(x.subarray(i * 40, (i + 1) * 40));
    expect(row(shuffled.train.x, 0)).not.toEqual(row(plain.train.x, 0));
    // The same values (up to the rounding of the global mean, summed in another order).
    const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
    const a = sorted(row(shuffled.train.x, 0));
    sorted(row(plain.train.x, 0)).forEach((v, j) => expect(a[j]).toBeCloseTo(v, 12));
  });
});

describe('MNIST-1D: names and settings', () => {
  it("reads 'mnist1d' and 'mnist1d:key=value,…' and ignores other names", () => {
    expect(mnist1dSettingsFromName('mnist1d')).toEqual(MNIST1D_DEFAULTS);
    expect(mnist1dSettingsFromName('mnist1d:samples=8000,split=0.5,seed=3')).toEqual({
      ...MNIST1D_DEFAULTS,
      samples: 8000,
      split: 0.5,
      seed: 3,
    });
    expect(mnist1dSettingsFromName('mnist1d:shuffleSeq=true, iidNoise=0')).toMatchObject({
      shuffleSeq: true,
      iidNoise: 0,
    });
    expect(mnist1dSettingsFromName('mnist')).toBeUndefined();
    expect(mnist1dSettingsFromName('/data/mnist1d')).toBeUndefined();
  });

  it('loads through loadDatasetByName, with overrides', () => {
    const ds = loadDatasetByName('mnist1d:samples=200,split=0.75');
    expect([ds.name, ds.train.count, ds.test.count, ds.dim]).toEqual([
      'mnist1d:samples=200,split=0.75',
      150,
      50,
      40,
    ]);
  });

  it('names the setting and the value at fault', () => {
    const bad: [string, RegExp][] = [
      ['mnist1d:foo=1', /mnist1d: unknown setting 'foo' \(known: samples, split, seed, .*shuffleSeq\)/],
      ['mnist1d:samples=abc', /mnist1d: samples must be an integer ≥ 10, got 'abc'/],
      ['mnist1d:samples=5', /mnist1d: samples must be an integer ≥ 10, got 5/],
      ['mnist1d:samples=10.5', /mnist1d: samples must be an integer ≥ 10, got 10.5/],
      ['mnist1d:split=1', /mnist1d: split must be a number in \(0, 1\), got 1/],
      ['mnist1d:samples', /mnist1d: expected key=value, got 'samples'/],
      ['mnist1d:', /expected settings key=value/],
      ['mnist1d:seed=1,seed=2', /setting 'seed' is given twice/],
      ['mnist1d:shuffleSeq=yes', /shuffleSeq must be true or false, got 'yes'/],
      ['mnist1d:padMin=70', /padMax must be ≥ padMin = 70, got 60/],
      ['mnist1d:scale=2', /scale must be a number in \[0, 2\), got 2/],
      ['mnist1d:samples=20,split=0.01', /split = 0.01 of 20 samples leaves 0 to train and 20 to test/],
    ];
    for (const [name, message] of bad) expect(() => loadDatasetByName(name), name).toThrow(message);
    expect(() => mnist1d({ shift: 0 })).toThrow(/shift must be an integer ≥ 1, got 0/);
  });

  it("the engine's 2-D CNN refuses the 1 × 40 signal with a clear error; the MLP takes it", () => {
    const ds = mnist1d(small);
    const input = { dim: ds.dim, classes: ds.classes, image: ds.shape };
    expect(() => ensemblePlan([{ family: 'cnn', widths: [2, 4, 8, 16] }], input)).toThrow(
      /the CNN pools 1×40 feature maps by 2 at layer 2: the size must be even/,
    );
    expect(ensemblePlan([{ family: 'mlp', widths: [8] }], input).layers[0].inTotal).toBe(40);
  });
});

describe('MNIST-1D in every preset that takes a data set', () => {
  const dataset = 'mnist1d:samples=300'; // 240 train, 60 test
  const training = { dataset, n: 100, nTest: 50, epochs: 2, evalEvery: 1, batchSize: 50 };
  const tiny: Record<string, Config> = {
    rff: { dataset, n: 100, nTest: 50, features: [20, 100, 200] },
    'mlp-width': { ...training, widths: [4, 16] },
    epochwise: { ...training, widths: [4, 16] },
    'width-epoch-heatmap': { ...training, widths: [4, 16] },
    samplewise: { ...omit(training, 'n'), sizes: [100, 200], widths: [4, 8] },
    emc: { ...training, sizes: [50, 100], widths: [4, 8], inits: 1 },
    'belkin-mlp': { ...training, widths: [4, 16] },
    'mnist1d-width': { ...training, widths: [4, 8], seeds: 2 },
    'resnet-width': { ...training, widths: [1, 2], seeds: 1, downsample: 1 },
    'igr-lr': {
      dataset,
      n: 50,
      nTest: 50,
      width: 8,
      lrs: [0.1, 0.2],
      maxGdSteps: 20,
      maxSgdEpochs: 2,
      sharpnessIterations: 3,
    },
    'igr-explicit': { dataset, n: 50, nTest: 50, width: 8, epochs: 2, evalEvery: 1, strengths: [0, 0.02] },
    'igr-modified-flow': { dataset, n: 8, width: 2, count: 2, substeps: 10 },
    'edge-of-stability': {
      dataset,
      n: 50,
      nTest: 50,
      width: 4,
      lrs: [0.1],
      steps: 4,
      every: 2,
      lanczosSteps: 5,
    },
  };

  it('covers every preset with a dataset field', () => {
    const withDataset = Object.values(PRESETS)
      .filter((p) => Object.hasOwn(schemaFields(p.schema), 'dataset'))
      .map((p) => p.name);
    expect(Object.keys(tiny).sort()).toEqual(withDataset.sort());
  });

  for (const [name, config] of Object.entries(tiny)) {
    it(`${name} runs on ${dataset}`, async () => {
      const preset = presetNamed(name);
      const result = await preset.run(preset.resolve(config), { loadDataset: loadDatasetByName });
      expect(result.points.length).toBeGreaterThan(0);
    });
  }
});

function omit<T extends Record<string, unknown>>(o: T, key: keyof T): Config {
  const { [key]: _, ...rest } = o;
  void _;
  return rest;
}
