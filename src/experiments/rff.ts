// The random-features double-descent experiment (Belkin et al. 2018, Fig. 2 / 3): an MNIST subset,
// nested random Fourier (or ReLU) features, least squares / minimum-norm interpolation, and the
// probes of every model size N. Isomorphic: the dataset comes in already loaded.
import type { Dataset } from '../data/dataset.js';
import { labelNoise, oneHot, subset } from '../data/transforms.js';
import { matrix } from '../engine/matrix.js';
import { fitFeatureCurve } from '../fit/feature-curve.js';
import type { FeatureKind } from '../models/feature-map.js';
import { randomFeatures } from '../models/random-features.js';
import { squaredLoss, zeroOneError } from '../probes/classification.js';
import type { CurvePoint } from '../report/points.js';
import { summarizeCurve, type CurveSummary } from './curve-summary.js';

export interface RffConfig {
  /** Dataset name, for the record (the caller loads it). */
  dataset: string;
  n: number;
  nTest: number;
  kind: FeatureKind;
  sigma: number;
  features: number[];
  ridge: number;
  labelNoise: number;
  seed: number;
}

export const RFF_DEFAULTS: RffConfig = {
  dataset: 'mnist',
  n: 1000,
  nTest: 2000,
  kind: 'rff',
  sigma: 5,
  features: logSpacedFeatures(100, 20000, 30, 1000),
  ridge: 0,
  labelNoise: 0,
  seed: 1,
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

/** `count` log-spaced integers from start to stop, plus `include` (the threshold) if in range. */
export function logSpacedFeatures(start: number, stop: number, count: number, include?: number): number[] {
  if (!(Number.isInteger(start) && Number.isInteger(stop) && start >= 1 && stop >= start)) {
    throw new Error(`feature range ${start}:${stop} needs integers 1 ≤ start ≤ stop`);
  }
  if (!(Number.isInteger(count) && count >= 1))
    throw new Error(`feature count must be a positive integer, got ${count}`);
  const values = new Set<number>();
  for (let i = 0; i < count; i++) {
    const t = count === 1 ? 0 : i / (count - 1);
    values.add(Math.round(start * Math.pow(stop / start, t)));
  }
  if (include !== undefined && include >= start && include <= stop) values.add(include);
  return [...values].sort((a, b) => a - b);
}

function assertFinite(point: CurvePoint): void {
  for (const [k, v] of Object.entries(point)) {
    if (!Number.isFinite(v)) {
      throw new Error(`N = ${point.features}: ${k} is ${v} — the solve diverged; try a ridge > 0`);
    }
  }
}
