// One random-features double-descent curve (Belkin et al. 2018, Fig. 2 / 3): an MNIST subset, nested
// random Fourier (or ReLU) features, least squares / minimum-norm interpolation, and the probes of
// every model size N. The rff preset runs it; so does complexity-measures (presets do not import
// one another). Isomorphic: the dataset comes in already loaded.
import type { Dataset } from '../../data/dataset.js';
import { labelNoise, oneHot, subset } from '../../data/transforms.js';
import { matrix } from '../../engine/matrix.js';
import { fitFeatureCurve, type CurveProblem } from '../../fit/feature-curve.js';
import type { RANDOM_FEATURE_KINDS } from '../../models/feature-map.js';
import { randomFeatures } from '../../models/random-features.js';
import type { FeatureLanes } from '../../models/feature-lanes.js';
import { squaredLoss, zeroOneError } from '../../probes/classification.js';
import type { CurvePoint } from '../../probes/curve-point.js';
import { summarizeCurve, type CurveSummary } from './curve-summary.js';

/** The fields of a random-features curve (the rff preset's resolved configuration has them all). */
export interface RffCurveConfig {
  n: number;
  nTest: number;
  kind: (typeof RANDOM_FEATURE_KINDS)[number];
  sigma: number;
  /** Model sizes N, increasing. */
  features: number[];
  ridge: number;
  labelNoise: number;
  seed: number;
  effectiveParameters: boolean;
}

export interface RffResult {
  points: CurvePoint[];
  summary: CurveSummary;
}

export interface RffRunOptions {
  onProgress?: (done: number, total: number) => void;
  /** Each point as soon as it is fitted (the web lab draws the curve as it streams in). */
  onPoint?: (point: CurvePoint) => void;
  /** Threads for the feature map's rows (the results do not depend on them). */
  lanes?: FeatureLanes;
  /** Keep or stream the feature columns (default: by their size; the results do not depend on it). */
  storage?: CurveProblem['storage'];
}

export async function runRff(
  config: RffCurveConfig,
  data: Dataset,
  options: RffRunOptions = {},
): Promise<RffResult> {
  const { onProgress, onPoint, lanes, storage } = options;
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
    lanes,
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
    effectiveParameters: config.effectiveParameters,
    storage,
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
      ...(fit.effectiveParameters && {
        effectiveTrain: fit.effectiveParameters.train,
        effectiveTest: fit.effectiveParameters.test,
      }),
      seconds: (now - last) / 1000,
    };
    last = now;
    assertFinite(point);
    points.push(point);
    onPoint?.(point);
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
