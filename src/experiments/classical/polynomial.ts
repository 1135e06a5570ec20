// Double descent in polynomial regression: train and test loss against the degree p from 0 to well
// past the interpolation threshold p + 1 = n, on n noisy samples of a 1-D target, with the
// bias–variance decomposition over independently drawn training sets. Below the threshold each
// degree is the least-squares fit (the classical U-curve: bias falls, variance rises); at it the
// unique interpolant, whose variance explodes; beyond it the minimum-norm interpolant in the
// (weighted) Legendre basis, whose variance falls again. Isomorphic.
import { trainingSetDraws, type Regression1d } from '../../data/regression-1d.js';
import { matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import { featuresOfDegree, polynomialFeatures } from '../../models/polynomial.js';
import { biasVariance, type BiasVariancePoint } from '../../probes/bias-variance.js';
import { z } from 'zod';
import { flag, integer, integerAtLeast, numberIn, positiveInteger } from '../common/fields.js';
import { effectiveFold, type EffectiveFold } from '../common/effective-fold.js';
import { effectiveRows } from '../common/effective-fold-text.js';
import { definePreset, type Row } from '../preset.js';
import { degree, regression1dFields } from './regression-1d-config.js';
import { regression1dData } from './regression-1d-data.js';
import { alignedLines } from '../common/aligned-lines.js';

export const polynomialSchema = z.strictObject({
  ...regression1dFields,
  n: positiveInteger().default(20).describe('training points; the interpolation threshold is degree n − 1'),
  nTest: positiveInteger().default(500).describe('test points (fresh draws), shared by every fit'),
  maxDegree: degree().default(120).describe('every degree 0 … maxDegree is fitted'),
  // Beyond the threshold the minimum-norm interpolant depends on the basis weights. decay 1 takes
  // the one of least Σ (1 + j)² a_j², a smoothness norm: its fits approach a smooth interpolant
  // (default run: test loss 0.069 at degree 107 against 0.056 at the classical sweet spot). With
  // decay 0 (plain L², every degree alike) the interpolant degenerates into spikes at the samples
  // and the test loss climbs back towards E[y²] ≈ 0.54 (best 0.15 at degree 27). Below the
  // threshold the weights change nothing (same span, same least-squares fit).
  decay: numberIn(0, Infinity)
    .default(1)
    .describe(
      'Legendre feature weights (1 + j)^−decay: which interpolant has minimum norm beyond the threshold',
    ),
  ridge: numberIn(0, Infinity)
    .default(0)
    .describe('ridge λ in ‖y − Fa‖² + λ‖a‖² (0: least squares / minimum norm)'),
  // 100 training sets: ~2–5 s on 2 cores; bias² is resolved down to about variance/R.
  draws: integerAtLeast(0, '0 (no bias–variance decomposition) or an integer ≥ 2')
    .refine((d) => d !== 1, { error: 'must be 0 (no bias–variance decomposition) or an integer ≥ 2' })
    .default(100)
    .describe('training sets drawn for bias² / variance / noise (0: skip)'),
  seed: integer().default(1).describe('one seed for the data, the test set and the draws'),
  effectiveParameters: flag()
    .default(true)
    .describe(
      'also measure effective parameters (Curth et al. 2023): tr S on the training inputs and n/|test|·Σ‖ŝ(x₀)‖² on the test inputs',
    ),
});

export type PolynomialConfig = z.output<typeof polynomialSchema>;

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

export const polynomialPreset = definePreset<PolynomialConfig>({
  name: 'polynomial',
  description: 'train/test loss and bias–variance against polynomial degree, past the threshold p + 1 = n',
  schema: polynomialSchema,
  indexKeys: ['degree', 'features'],
  async run(config, context) {
    const { points, summary } = await runPolynomial(config, context.onProgress);
    return { points, summary: { ...summary }, summaryLines: polynomialSummaryLines(summary, config) };
  },
});

export async function runPolynomial(
  config: PolynomialConfig,
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

export function polynomialSummaryLines(s: PolynomialSummary, config: PolynomialConfig): string[] {
  const g = (x: number) => x.toPrecision(4);
  const at = (p: DegreeRef | null, what: string) =>
    p ? `degree ${p.degree}: test loss ${g(p.testLoss)}, train loss ${g(p.trainLoss)}` : `(no ${what})`;
  const t = s.interpolationThreshold;
  const rows: [string, string][] = [
    ['noise floor σ²', g(config.noise ** 2)],
    ['classical sweet spot (p+1 < n)', at(s.classicalSweetSpot, 'degree below the threshold')],
    [
      'interpolation threshold',
      t.testLoss === null
        ? `degree ${t.degree} (not in the sweep)`
        : `p + 1 = n = ${config.n}: ${at(t as DegreeRef, '')}`,
    ],
    ['peak test loss', at(s.peakTestLoss, '')],
    ['best beyond threshold (p+1 > n)', at(s.bestBeyondThreshold, 'degree beyond the threshold')],
  ];
  const b = s.biasVariance;
  if (b) {
    const bvAt = (p: { degree: number; expectedTestLoss: number; bias2: number; variance: number } | null) =>
      p
        ? `degree ${p.degree}: expected test loss ${g(p.expectedTestLoss)} (bias² ${g(p.bias2)}, variance ${g(p.variance)})`
        : '(none)';
    rows.push(
      [`bias–variance over ${b.draws} draws`, ''],
      ['  sweet spot (p+1 < n)', bvAt(b.sweetSpot)],
      ['  variance peak', `degree ${b.peakVariance.degree}: variance ${g(b.peakVariance.variance)}`],
      ['  best beyond threshold', bvAt(b.bestBeyondThreshold)],
      ['  |bias²+var+noise − loss|', `≤ ${b.maxRelativeGap.toExponential(1)} relative`],
    );
  }
  if (s.effective) rows.push(...effectiveRows(s.effective, 'p + 1'));
  return alignedLines(rows);
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
