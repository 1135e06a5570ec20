// One polynomial double-descent curve: train and test loss against the degree p from 0 to past the
// interpolation threshold p + 1 = n, on n noisy samples of a 1-D target, with the bias–variance
// decomposition over independently drawn training sets (see polynomial.ts). The polynomial preset
// runs it; so does complexity-measures (presets do not import one another). Isomorphic.
import { trainingSetDraws, type Regression1d } from '../../data/regression-1d.js';
import { matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import { featuresOfDegree, polynomialFeatures } from '../../models/polynomial.js';
import { biasVariance, type BiasVariancePoint } from '../../probes/bias-variance.js';
import { effectiveFold, type EffectiveFold } from '../common/effective-fold.js';
import type { Row } from '../preset.js';
import type { Regression1dFields } from './regression-1d-config.js';
import { regression1dData } from './regression-1d-data.js';

/** The fields of a polynomial curve (the polynomial preset's resolved configuration has them all). */
export type PolynomialCurveConfig = Regression1dFields & {
  n: number;
  nTest: number;
  maxDegree: number;
  decay: number;
  ridge: number;
  /** Training sets for bias² / variance (0: none). */
  draws: number;
  seed: number;
  effectiveParameters: boolean;
};

export interface DegreeRef {
  degree: number;
  testLoss: number;
  trainLoss: number;
}

export interface PolynomialSummary {
  /** Degree n − 1 (features p + 1 = n): the first degree that interpolates the n samples. */
  interpolationThreshold: DegreeRef | { degree: number; testLoss: null; trainLoss: null };
  /** Lowest test loss with p + 1 < n: the classical sweet spot. */
  classicalSweetSpot: DegreeRef | null;
  /** Lowest test loss with p + 1 > n. */
  bestBeyondThreshold: DegreeRef | null;
  peakTestLoss: DegreeRef;
  /** The same landmarks on the expected test loss over `draws` training sets. */
  biasVariance: {
    draws: number;
    sweetSpot: { degree: number; expectedTestLoss: number; bias2: number; variance: number } | null;
    peakVariance: { degree: number; variance: number };
    bestBeyondThreshold: { degree: number; expectedTestLoss: number; bias2: number; variance: number } | null;
    /** max |bias² + variance + noise − expected test loss| / expected test loss over all degrees. */
    maxRelativeGap: number;
  } | null;
  /** Test loss against generalized effective parameters (sizes are features p + 1), when measured. */
  effective?: EffectiveFold;
}

export async function runPolynomial(
  config: PolynomialCurveConfig,
  onProgress?: (done: number, total: number) => void,
): Promise<{ points: Row[]; summary: PolynomialSummary; data: Regression1d }> {
  const { n, nTest, maxDegree, ridge, draws, seed } = config;
  const data = regression1dData(config);
  const featureMap = polynomialFeatures({ maxDegree, interval: config.interval, decay: config.decay });
  const degrees = Array.from({ length: maxDegree + 1 }, (_, p) => p);
  const features = degrees.map(featuresOfDegree);
  const total = features.length * (1 + draws);
  let done = 0;
  const tick = () => onProgress?.(++done, total);

  const xTest = matrix(nTest, 1, data.test.x);
  const yTest = matrix(nTest, 1, data.test.y);
  const yTrain = matrix(n, 1, data.train.y);
  const points: Row[] = [];
  for await (const fit of fitFeatureCurve({
    featureMap,
    xTrain: matrix(n, 1, data.train.x),
    xTest,
    yTrain,
    features,
    ridge,
    effectiveParameters: config.effectiveParameters,
  })) {
    points.push({
      degree: fit.features - 1,
      features: fit.features,
      trainLoss: meanSquare(fit.trainPrediction.data, yTrain.data),
      testLoss: meanSquare(fit.testPrediction.data, yTest.data),
      coefNorm: fit.coefNorm,
      condition: fit.condition,
      jitter: fit.jitter,
      ...(fit.effectiveParameters && {
        effectiveTrain: fit.effectiveParameters.train,
        effectiveTest: fit.effectiveParameters.test,
      }),
    });
    tick();
  }

  let decomposition: BiasVariancePoint[] | null = null;
  if (draws > 0) {
    const next = trainingSetDraws(data, n, seed);
    decomposition = await biasVariance({
      featureMap, // deterministic: the same family for every draw
      drawTrainingSet: () => {
        const s = next();
        return { x: matrix(n, 1, s.x), y: matrix(n, 1, s.y) };
      },
      draws,
      xTest,
      truthTest: matrix(nTest, 1, data.test.truth),
      yTest,
      noiseVariance: config.noise ** 2,
      features,
      ridge,
      onProgress: () => tick(),
    });
    decomposition.forEach((d, k) => {
      Object.assign(points[k], {
        bias2: d.bias2,
        variance: d.variance,
        noise: d.noise,
        biasVarianceSum: d.sum,
        expectedTestLoss: d.expectedTestLoss,
        meanTestLoss: d.testLoss,
        meanTrainLoss: d.trainLoss,
      });
    });
  }
  for (const p of points) assertFinite(p);
  return { points, summary: summarizePolynomial(points, n, draws), data };
}

export function summarizePolynomial(points: Row[], n: number, draws: number): PolynomialSummary {
  const ref = (p: Row): DegreeRef => ({ degree: p.degree, testLoss: p.testLoss, trainLoss: p.trainLoss });
  const below = points.filter((p) => p.features < n);
  const above = points.filter((p) => p.features > n);
  const at = points.find((p) => p.features === n);
  const bv = (p: Row) => ({
    degree: p.degree,
    expectedTestLoss: p.expectedTestLoss,
    bias2: p.bias2,
    variance: p.variance,
  });
  return {
    interpolationThreshold: at ? ref(at) : { degree: n - 1, testLoss: null, trainLoss: null },
    classicalSweetSpot: below.length ? ref(argmin(below, (p) => p.testLoss)) : null,
    bestBeyondThreshold: above.length ? ref(argmin(above, (p) => p.testLoss)) : null,
    peakTestLoss: ref(argmin(points, (p) => -p.testLoss)),
    biasVariance:
      draws > 0
        ? {
            draws,
            sweetSpot: below.length ? bv(argmin(below, (p) => p.expectedTestLoss)) : null,
            peakVariance: (({ degree, variance }) => ({ degree, variance }))(
              argmin(points, (p) => -p.variance),
            ),
            bestBeyondThreshold: above.length ? bv(argmin(above, (p) => p.expectedTestLoss)) : null,
            maxRelativeGap: Math.max(
              ...points.map((p) => Math.abs(p.biasVarianceSum - p.expectedTestLoss) / p.expectedTestLoss),
            ),
          }
        : null,
    ...(points.every((p) => Number.isFinite(p.effectiveTest)) && {
      effective: effectiveFold(
        points.map((p) => ({ size: p.features, testLoss: p.testLoss, effectiveTest: p.effectiveTest })),
        n,
      ),
    }),
  };
}

function meanSquare(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

function argmin(points: Row[], key: (p: Row) => number): Row {
  return points.reduce((a, b) => (key(b) < key(a) ? b : a));
}

function assertFinite(p: Row): void {
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isFinite(v))
      throw new Error(
        `degree ${p.degree}: ${k} is ${v} — the solve diverged; try a ridge > 0 or a smaller maxDegree`,
      );
  }
}
