// A golden record of every preset's numbers on a tiny configuration, computed by the code before
// the preset-schema refactor (commit cec4215) and checked after it: same seeds, same numbers.
//
// Regenerate (only from code whose numbers are trusted): UPDATE_GOLDEN=1 npx vitest run test/preset-golden.test.ts
//
// Two generating runs on the same machine gave bit-for-bit identical files (every preset, networks
// included), so the tolerances below only leave room for another machine's floating point (ONNX
// Runtime picks its kernels and thread count per CPU): 1e-9 relative for the closed-form presets
// (or 1e-12 absolute for the least-squares ones: rounding residues, see LEAST_SQUARES), 1e-5
// relative or 1e-6 absolute for the f32 networks. Measured: with 1 or 3 ORT threads instead of
// the default (one per core, 2 here) the closed-form presets were unchanged and the networks moved
// by at most 3.5e-7 relative (igr-lr's sharpness, mlp-width's losses).
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { Config, Row } from '../src/experiments/preset.js';
import { presetNamed } from '../src/experiments/presets.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'preset-golden.json');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const TINY = { n: 200, nTest: 300, epochs: 4, evalEvery: 2, batchSize: 50, lr: 0.003 };

/** Keys are preset names, or 'preset/variant' for a second configuration of the same preset. */
const GOLDEN_CONFIGS: Record<string, Config> = {
  rff: { n: 200, nTest: 300, features: [20, 100, 200, 400], effectiveParameters: true },
  'polynomial-fits': { nTest: 200, gridSize: 100 },
  polynomial: { n: 10, nTest: 100, maxDegree: 20, draws: 4 },
  'linear-gaussian': { n: 40, nTest: 20, p: [10, 30, 60, 120], seeds: 3 },
  'rf-relu-gaussian': { d: 10, n: 30, nTest: 50, features: [5, 20, 60], seeds: 2 },
  'mlp-width': { ...TINY, widths: [2, 16, 64] },
  'mlp-width/cnn': { ...TINY, n: 64, nTest: 64, epochs: 1, evalEvery: 1, family: 'cnn', widths: [1, 2] },
  'mlp-width/reuse': { ...TINY, widths: [1, 2, 16], reuse: true },
  'mlp-width/probes': { ...TINY, widths: [4, 16], probes: ['rig', 'sharpness'] },
  epochwise: { ...TINY, widths: [4, 32] },
  'width-epoch-heatmap': { ...TINY, widths: [4, 32] },
  samplewise: {
    nTest: 300,
    epochs: 4,
    evalEvery: 2,
    batchSize: 50,
    lr: 0.003,
    sizes: [100, 200],
    widths: [2, 8],
  },
  emc: { ...TINY, n: 100, sizes: [50, 100, 200], widths: [1, 32], epochs: 4, evalEvery: 4, inits: 2 },
  'mnist1d-width': {
    dataset: 'mnist1d:samples=400,split=0.5',
    n: 200,
    nTest: 200,
    widths: [2, 16],
    epochs: 4,
    evalEvery: 2,
    seeds: 2,
  },
  // igr-lr's default data set is now MNIST-1D; the record was made on MNIST.
  'igr-lr': {
    dataset: 'mnist',
    n: 64,
    nTest: 100,
    width: 16,
    lrs: [0.05, 0.2],
    maxGdSteps: 20,
    maxSgdEpochs: 4,
    sgdBatch: 16,
    evalEvery: 2,
    sharpnessIterations: 3,
  },
  'igr-explicit': { n: 64, nTest: 100, width: 8, epochs: 3, batchSize: 16, strengths: [0, 0.1] },
  'igr-modified-flow': { count: 3, substeps: 20 },
  'edge-of-stability': {
    n: 64,
    nTest: 32,
    width: 4,
    init: 'he',
    lrs: [0.01, 0.1, 0.4],
    steps: 40,
    every: 20,
    lanczosSteps: 10,
  },
  'complexity-measures': {
    seeds: 2,
    rffN: 30,
    rffNTest: 40,
    rffFeatures: [5, 30, 90],
    polyN: 6,
    polyNTest: 40,
    polyMaxDegree: 9,
    mlpDataset: 'mnist1d:samples=400,split=0.5',
    mlpN: 100,
    mlpNTest: 100,
    mlpWidths: [2, 16],
    mlpEpochs: 3,
    lanczosSteps: 5,
  },
};

const CLOSED_FORM = new Set([
  'rff',
  'polynomial-fits',
  'polynomial',
  'linear-gaussian',
  'rf-relu-gaussian',
  'igr-modified-flow',
]);

interface Tolerance {
  rel: number;
  abs: number;
}

// The least-squares presets' absolute 1e-12: residues of rounding, such as the training loss of an
// interpolating fit (1e-22 … 1e-31 in the record), are not numbers of the method; any other summation
// order (the blocked Cholesky's panel width, another CPU's GEMM kernel) moves them arbitrarily. Their
// other recorded numbers are all above 1e-6. igr-modified-flow keeps no absolute slack: its distances
// to the flows are genuinely small (down to 2.8e-13).
const LEAST_SQUARES = new Set([
  'rff',
  'polynomial-fits',
  'polynomial',
  'linear-gaussian',
  'rf-relu-gaussian',
]);
const toleranceFor = (preset: string): Tolerance =>
  CLOSED_FORM.has(preset)
    ? { rel: 1e-9, abs: LEAST_SQUARES.has(preset) ? 1e-12 : 0 }
    : { rel: 1e-5, abs: 1e-6 };

// JSON has no Infinity or NaN: they travel as strings.
const NON_FINITE = new Set(['Infinity', '-Infinity', 'NaN']);
const encode = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const decode = (_key: string, v: unknown) => (typeof v === 'string' && NON_FINITE.has(v) ? Number(v) : v);

/** Drops wall-clock times (`seconds`, at any depth): they differ from run to run. */
const withoutTimes = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (key, x) => (key === 'seconds' ? undefined : encode(key, x))),
    decode,
  );

/** The JSON path of the first difference beyond the tolerance, or undefined when there is none. */
function firstMismatch(actual: unknown, expected: unknown, tol: Tolerance, path = '$'): string | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (Object.is(actual, expected) || actual === expected) return undefined;
    const diff = Math.abs(actual - expected);
    if (diff <= tol.abs || diff <= tol.rel * Math.max(Math.abs(actual), Math.abs(expected))) return undefined;
    return `${path}: ${actual} ≠ ${expected}`;
  }
  if (typeof actual === 'object' && typeof expected === 'object' && actual !== null && expected !== null) {
    if (Array.isArray(actual) !== Array.isArray(expected)) return `${path}: array vs object`;
    const keys = Object.keys(expected);
    if (Object.keys(actual).join() !== keys.join()) return `${path}: keys ${Object.keys(actual)} ≠ ${keys}`;
    for (const k of keys) {
      const m = firstMismatch(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        tol,
        Array.isArray(expected) ? `${path}[${k}]` : `${path}.${k}`,
      );
      if (m !== undefined) return m;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`;
}

const golden: Record<string, unknown> = UPDATE
  ? {}
  : existsSync(FIXTURE)
    ? JSON.parse(readFileSync(FIXTURE, 'utf8'), decode)
    : {};

/**
 * Changes made on purpose since the record, applied to it before the comparison; the measured
 * numbers must not change. linear-gaussian's r and sigma are now signal and noise, as in
 * rf-relu-gaussian and the theory command (the old names stay as aliases); igr-lr and igr-explicit
 * accepted `probes` and `reuse` and ignored them, and no longer have them; the CNN's summary gave a
 * one-hidden-layer threshold width that means nothing for it, and now gives null. The epoch-wise
 * summary now also states the fall after the epoch-wise peak (recomputed from the recorded rows).
 * igr-lr's summary now also states the test-accuracy change from the smallest to the largest step
 * (recomputed from the recorded rows). The training presets gained `sam` (sharpness-aware minimization), whose default 0 is the plain
 * training they recorded; it is added to their recorded configurations, where the schema puts it.
 * The plain training presets (mlp-width, epochwise, width-epoch-heatmap) gained `dataSeed`, whose
 * default 'seed' lets the seed draw the data, as in the record.
 * Likewise `augment` (data augmentation of each minibatch), whose default 'off' is what they recorded.
 */
const DELIBERATE_CHANGES: Record<
  string,
  {
    renamed?: Record<string, string>;
    removed?: string[];
    /** Fields added since the record, at the value that reproduces it. */
    added?: Record<string, unknown>;
    summary?: Record<string, unknown>;
    /** The summary is the preset's summary of the recorded rows, as the preset summarizes now. */
    resummarized?: boolean;
  }
> = {
  'linear-gaussian': { renamed: { r: 'signal', sigma: 'noise' }, added: { effectiveParameters: false } },
  'igr-lr': { removed: ['probes', 'reuse'], resummarized: true, added: { augment: 'off' } },
  'igr-explicit': { removed: ['probes', 'reuse'], added: { augment: 'off' } },
  'edge-of-stability': { added: { augment: 'off' } },
  'mlp-width': { added: { sam: 0, dataSeed: 'seed', augment: 'off' } },
  'mlp-width/cnn': { summary: { thresholdWidth: null }, added: { sam: 0, dataSeed: 'seed', augment: 'off' } },
  'mlp-width/reuse': { added: { sam: 0, dataSeed: 'seed', augment: 'off' } },
  'mlp-width/probes': { added: { sam: 0, dataSeed: 'seed', augment: 'off' } },
  epochwise: { resummarized: true, added: { sam: 0, dataSeed: 'seed', augment: 'off' } },
  'width-epoch-heatmap': { added: { sam: 0, dataSeed: 'seed', augment: 'off' } },
  samplewise: { added: { sam: 0, augment: 'off' } },
  emc: { added: { sam: 0, augment: 'off' } },
  'mnist1d-width': { added: { sam: 0, augment: 'off' } },
};

type GoldenRecord = { config: Config; points: Row[]; summary: Record<string, unknown> };

function withDeliberateChanges(key: string, recorded: GoldenRecord): GoldenRecord {
  const change = DELIBERATE_CHANGES[key];
  if (!change) return recorded;
  const kept: Config = {};
  for (const [field, value] of Object.entries(recorded.config)) {
    if (change.removed?.includes(field)) continue;
    kept[change.renamed?.[field] ?? field] = value;
  }
  const preset = presetNamed(key.split('/')[0]);
  const withAdded: Config = { ...kept, ...change.added };
  // Added fields go where the schema puts them (the comparison checks the order of keys too).
  const config: Config = change.added
    ? Object.fromEntries(
        Object.keys(preset.resolve(withAdded))
          .filter((k) => k in withAdded)
          .map((k) => [k, withAdded[k]]),
      )
    : kept;
  const summary = change.resummarized
    ? withoutTimes(preset.summarizeRows?.(preset.resolve(config), recorded.points).summary)
    : recorded.summary;
  return { ...recorded, config, summary: { ...(summary as Record<string, unknown>), ...change.summary } };
}

describe('every preset gives the recorded numbers for its seed', () => {
  it.each(Object.keys(GOLDEN_CONFIGS))('%s', async (key) => {
    const name = key.split('/')[0];
    const preset = presetNamed(name);
    const config = preset.resolve(GOLDEN_CONFIGS[key]);
    const result = await preset.run(config, { loadDataset: loadDatasetByName });
    const record = withoutTimes({
      config,
      points: result.points,
      series: result.series,
      summary: result.summary,
    });
    if (UPDATE) {
      golden[key] = record;
      return;
    }
    expect(
      golden[key],
      `${FIXTURE} has no record '${key}': regenerate it with UPDATE_GOLDEN=1`,
    ).toBeDefined();
    const expected = withDeliberateChanges(key, golden[key] as GoldenRecord);
    expect((record as { config: unknown }).config).toEqual(expected.config);
    expect(firstMismatch(record, expected, toleranceFor(name))).toBeUndefined();
  });

  afterAll(async () => {
    if (!UPDATE) return;
    // Written as prettier formats it, so that `npm run lint` (prettier --check .) accepts the file.
    const options = { ...(await resolveConfig(FIXTURE)), filepath: FIXTURE };
    writeFileSync(FIXTURE, await format(JSON.stringify(golden, encode), options));
  });
});
