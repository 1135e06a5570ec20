// The random-features double-descent experiment (Belkin et al. 2018, Fig. 2 / 3): an MNIST subset,
// nested random Fourier (or ReLU) features, least squares / minimum-norm interpolation, and the
// probes of every model size N. Isomorphic: the dataset comes in already loaded.
import type { Dataset } from '../../data/dataset.js';
import { labelNoise, oneHot, subset } from '../../data/transforms.js';
import { matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import type { FeatureKind } from '../../models/feature-map.js';
import { randomFeatures } from '../../models/random-features.js';
import { squaredLoss, zeroOneError } from '../../probes/classification.js';
import type { CurvePoint } from '../../probes/curve-point.js';
import {
  integer,
  knownKeys,
  nonEmptyString,
  numberIn,
  oneOf,
  positiveInteger,
} from '../common/config-checks.js';
import { summarizeCurve, type CurveSummary } from './curve-summary.js';
import { summaryLines } from './curve-summary-text.js';
import type { Preset } from '../preset.js';
import { logSpacedFeatures } from '../common/grid.js';

export type RffConfig = {
  /** 'mnist' (shipped) or a folder of MNIST-format IDX files. */
  dataset: string;
  n: number;
  nTest: number;
  kind: FeatureKind;
  sigma: number;
  features: number[];
  ridge: number;
  labelNoise: number;
  seed: number;
};

/** In a config file, `features` may also be 'start:stop:count' (log-spaced, plus N = n) or 'auto'. */
export type RffConfigInput = Omit<RffConfig, 'features'> & { features: number[] | string };

const KEYS = ['dataset', 'n', 'nTest', 'kind', 'sigma', 'features', 'ridge', 'labelNoise', 'seed'] as const;

/** 'auto': 30 log-spaced sizes from n/10 to 20n, plus N = n. */
export function autoFeatures(n: number): number[] {
  return logSpacedFeatures(Math.max(1, Math.round(n / 10)), 20 * n, 30, n);
}

export const RFF_DEFAULTS: RffConfig = {
  dataset: 'mnist',
  n: 1000,
  nTest: 2000,
  kind: 'rff',
  sigma: 5,
  features: autoFeatures(1000),
  ridge: 0,
  labelNoise: 0,
  seed: 1,
};

export function resolveRffConfig(input: Partial<RffConfigInput>): RffConfig {
  knownKeys('rff', input, KEYS);
  const c = { ...RFF_DEFAULTS, features: 'auto', ...input } as RffConfigInput;
  const n = positiveInteger('n', c.n);
  return {
    dataset: nonEmptyString('dataset', c.dataset),
    n,
    nTest: positiveInteger('nTest', c.nTest),
    kind: oneOf('kind', c.kind, ['rff', 'relu'] as const),
    sigma: numberIn('sigma', c.sigma, 0, Infinity, true),
    features: resolveFeatureList(c.features, n),
    ridge: numberIn('ridge', c.ridge, 0, Infinity),
    labelNoise: numberIn('labelNoise', c.labelNoise, 0, 1),
    seed: integer('seed', c.seed),
  };
}

function resolveFeatureList(v: unknown, n: number): number[] {
  if (v === 'auto') return autoFeatures(n);
  if (typeof v === 'string') {
    const m = /^\s*(\d+):(\d+):(\d+)\s*$/.exec(v);
    if (!m) throw new Error(`features must be a list of sizes, 'start:stop:count' or 'auto', got '${v}'`);
    const [start, stop, count] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (start < 1 || stop < start || count < 1) {
      throw new Error(`features '${v}': need 1 ≤ start ≤ stop and count ≥ 1`);
    }
    return logSpacedFeatures(start, stop, count, n);
  }
  if (!Array.isArray(v) || v.length === 0)
    throw new Error(`features must be a non-empty list, got ${JSON.stringify(v)}`);
  v.forEach((f, i) => positiveInteger(`features[${i}]`, f));
  return [...new Set(v as number[])].sort((a, b) => a - b);
}

export const rffPreset: Preset<RffConfig> = {
  name: 'rff',
  description: 'random-features double descent on MNIST (Belkin et al. 2018)',
  defaults: RFF_DEFAULTS,
  indexKeys: ['features', 'parameters'],
  resolve: (c) => resolveRffConfig(c as Partial<RffConfigInput>),
  async run(config, context) {
    const { points, summary } = await runRff(config, context.loadDataset(config.dataset), context.onProgress);
    return { points, summary: { ...summary }, summaryLines: summaryLines(summary) };
  },
  estimateBytes(config) {
    // Stored train and test features, the weights, and a few n × n matrices (kernel, system, factor,
    // Cholesky temporaries), in f64; measured: 14.5 GiB at n = nTest = 10⁴, N = 6·10⁴ (estimate 13).
    const nMax = config.features[config.features.length - 1];
    return 8 * ((config.n + config.nTest) * nMax + 784 * nMax + 5 * config.n ** 2) + 5e8;
  },
  summarizeRows(config, rows) {
    const summary = summarizeCurve(rows as CurvePoint[], config.n);
    return { summary: { ...summary }, summaryLines: summaryLines(summary) };
  },
};

export interface RffResult {
  points: CurvePoint[];
  summary: CurveSummary;
}

export async function runRff(
  config: RffConfig,
  data: Dataset,
  onProgress?: (done: number, total: number) => void,
): Promise<RffResult> {
  let ds = subset(data, config.n, config.nTest, config.seed);
  if (config.labelNoise > 0) ds = labelNoise(ds, config.labelNoise, config.seed);
  const xTrain = matrix(ds.train.count, ds.dim, ds.train.x);
  const xTest = matrix(ds.test.count, ds.dim, ds.test.x);
  const yTrain = matrix(ds.train.count, ds.classes, oneHot(ds.train.labels, ds.classes));
  const yTest = matrix(ds.test.count, ds.classes, oneHot(ds.test.labels, ds.classes));
  const featureMap = randomFeatures({
    kind: config.kind,
    inputDim: ds.dim,
    maxFeatures: config.features[config.features.length - 1],
    seed: config.seed,
    sigma: config.sigma,
  });

  const points: CurvePoint[] = [];
  let last = performance.now();
  for await (const fit of fitFeatureCurve({
    featureMap,
    xTrain,
    xTest,
    yTrain,
    features: config.features,
    ridge: config.ridge,
    onProgress,
  })) {
    const now = performance.now();
    const point: CurvePoint = {
      features: fit.features,
      parameters: fit.features * ds.classes,
      trainLoss: squaredLoss(fit.trainPrediction, yTrain),
      testLoss: squaredLoss(fit.testPrediction, yTest),
      trainError: zeroOneError(fit.trainPrediction, ds.train.labels),
      testError: zeroOneError(fit.testPrediction, ds.test.labels),
      coefNorm: fit.coefNorm,
      condition: fit.condition,
      jitter: fit.jitter,
      seconds: (now - last) / 1000,
    };
    last = now;
    assertFinite(point);
    points.push(point);
  }
  return { points, summary: summarizeCurve(points, config.n) };
}

function assertFinite(point: CurvePoint): void {
  for (const [k, v] of Object.entries(point)) {
    if (!Number.isFinite(v)) {
      throw new Error(`N = ${point.features}: ${k} is ${v} — the solve diverged; try a ridge > 0`);
    }
  }
}
