// The classical picture in one figure (Bishop, PRML Fig. 1.4; the background essay's polynomial
// figure): n noisy samples of a 1-D target and the polynomial fits of three degrees — one that
// under-fits, a well-chosen one, and one that interpolates the samples — each beside the true
// function. The fits come from the shared whole-curve solver over the Legendre basis. Isomorphic.
//
// Rows (results.csv): first the plotting grid, then the samples.
//   grid rows:   { sample: 0, x, truth, fitLow, fitGood, fitInterp }
//   sample rows: { sample: 1, x, y, truth, fitLow, fitGood, fitInterp }  (y: the noisy observation)
// fitLow, fitGood and fitInterp are the fits of degrees[0], degrees[1] and degrees[2].
import { matrix } from '../../engine/matrix.js';
import { fitFeatureCurve } from '../../fit/feature-curve.js';
import { featuresOfDegree, polynomialFeatures } from '../../models/polynomial.js';
import { z } from 'zod';
import { integer, integerAtLeast, numberIn, positiveInteger } from '../common/fields.js';
import { definePreset, wholeIssue, type Row } from '../preset.js';
import { degree, regression1dFields } from './regression-1d-config.js';
import { regression1dData } from './regression-1d-data.js';

/** The row keys of the three fits, in the order of `degrees`. */
export const FIT_KEYS = ['fitLow', 'fitGood', 'fitInterp'] as const;
export const FIT_ROLES = ['under-fitting', 'well-chosen', 'interpolating'] as const;

const threeDegrees = 'three degrees [under-fitting, well-chosen, interpolating]';

export const polynomialFitsSchema = z
  .strictObject({
    ...regression1dFields,
    n: positiveInteger().default(10).describe('training points'),
    nTest: positiveInteger().default(500).describe('test points (fresh draws)'),
    degrees: z
      .tuple([degree(), degree(), degree()], { error: `must be ${threeDegrees}` })
      .refine(([a, b, c]) => a < b && b < c, { error: 'must be increasing' })
      .default([1, 3, 9])
      .describe('the three fitted degrees: under-fitting, well-chosen, interpolating (≥ n − 1)'),
    decay: numberIn(0, Infinity).default(1).describe('Legendre feature weights (1 + j)^−decay'),
    ridge: numberIn(0, Infinity).default(0).describe('ridge λ (0: least squares / minimum norm)'),
    gridSize: integerAtLeast(2).default(400).describe('points of the plotting grid'),
    seed: integer().default(1).describe('one seed for the samples and the test set'),
  })
  .superRefine((c, ctx) => {
    if (c.ridge === 0 && featuresOfDegree(c.degrees[2]) < c.n) {
      ctx.addIssue(
        wholeIssue(
          `degrees[2] = ${c.degrees[2]} cannot interpolate n = ${c.n} samples: it needs degree ≥ n − 1 = ${c.n - 1}`,
          ['degrees', 2],
        ),
      );
    }
  });

export type PolynomialFitsConfig = z.output<typeof polynomialFitsSchema>;

export interface FitSummary {
  role: string;
  degree: number;
  trainLoss: number;
  testLoss: number;
  coefNorm: number;
}

export interface PolynomialFitsSummary {
  n: number;
  noiseVariance: number;
  fits: FitSummary[];
}

export const polynomialFitsPreset = definePreset<PolynomialFitsConfig>({
  name: 'polynomial-fits',
  description:
    'noisy samples, the true function and an under-fitting, a well-chosen and an interpolating polynomial',
  schema: polynomialFitsSchema,
  // Grid rows share x across seeds (sample rows do not: their x is the first seed's).
  indexKeys: ['sample', 'x'],
  async run(config) {
    const { points, summary } = await runPolynomialFits(config);
    const g = (x: number) => x.toPrecision(4);
    const lines = summary.fits.map(
      (f) =>
        `  ${`${f.role} (degree ${f.degree})`.padEnd(28)}  train loss ${g(f.trainLoss)}, test loss ${g(f.testLoss)}, ‖a‖ ${g(f.coefNorm)}`,
    );
    return {
      points,
      summary: { ...summary },
      summaryLines: [`  n = ${summary.n} samples, noise floor σ² = ${g(summary.noiseVariance)}`, ...lines],
    };
  },
});

export async function runPolynomialFits(
  config: PolynomialFitsConfig,
): Promise<{ points: Row[]; summary: PolynomialFitsSummary }> {
  const { n, nTest, degrees, gridSize } = config;
  const data = regression1dData(config, gridSize);
  const featureMap = polynomialFeatures({
    maxDegree: degrees[2],
    interval: config.interval,
    decay: config.decay,
  });
  // One solve per degree for the training points, the test points and the grid together.
  const xEval = new Float64Array(nTest + gridSize);
  xEval.set(data.test.x);
  xEval.set(data.grid.x, nTest);
  const yTrain = matrix(n, 1, data.train.y);
  const fits: FitSummary[] = [];
  const onGrid: Float64Array[] = [];
  const onTrain: Float64Array[] = [];
  let k = 0;
  for await (const fit of fitFeatureCurve({
    featureMap,
    xTrain: matrix(n, 1, data.train.x),
    xTest: matrix(nTest + gridSize, 1, xEval),
    yTrain,
    features: degrees.map(featuresOfDegree),
    ridge: config.ridge,
  })) {
    const test = fit.testPrediction.data;
    fits.push({
      role: FIT_ROLES[k],
      degree: degrees[k],
      trainLoss: meanSquare(fit.trainPrediction.data, data.train.y),
      testLoss: meanSquare(test.subarray(0, nTest), data.test.y),
      coefNorm: fit.coefNorm,
    });
    onGrid.push(test.slice(nTest));
    onTrain.push(fit.trainPrediction.data.slice());
    k++;
  }
  const fitColumns = (values: Float64Array[], i: number) =>
    Object.fromEntries(FIT_KEYS.map((key, j) => [key, values[j][i]]));
  const points: Row[] = [];
  for (let i = 0; i < gridSize; i++)
    points.push({ sample: 0, x: data.grid.x[i], truth: data.grid.truth[i], ...fitColumns(onGrid, i) });
  for (let i = 0; i < n; i++) {
    points.push({
      sample: 1,
      x: data.train.x[i],
      y: data.train.y[i],
      truth: data.train.truth[i],
      ...fitColumns(onTrain, i),
    });
  }
  return { points, summary: { n, noiseVariance: config.noise ** 2, fits } };
}

function meanSquare(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += (a[i] - b[i]) ** 2;
  return s / b.length;
}
