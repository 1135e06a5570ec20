// The bias–variance decomposition of the expected test loss along a complexity sweep, for any family
// fitted in closed form by the whole-curve solver (polynomials, random features, …).
//
// R training sets D_1 … D_R are drawn independently from the same distribution; each is fitted at
// every model size by fitFeatureCurve, and the predictions f_r(x) at the same test points x are
// compared with the noise-free target f*(x). With f̄(x) = (1/R) Σ_r f_r(x), averaged over the test
// points (and summed over outputs):
//
//   bias²    = mean_x [(f̄(x) − f*(x))² − v(x)/R]
//   variance = mean_x v(x),  v(x) = (1/(R − 1)) Σ_r (f_r(x) − f̄(x))²
//   noise    = σ², the variance of y − f*(x) (given by the caller: it is a property of the data)
//
// Both are unbiased estimates: v is the sample variance, and (f̄ − f*)² overestimates the squared
// bias by the variance of the mean, v/R — which near the interpolation threshold, where the
// predictions are heavy-tailed, would otherwise show up as a spurious bias peak. (So an estimated
// bias² can come out slightly negative where the true one is ≈ 0; it is reported as computed.)
// Their sum bias² + variance + noise is exactly the expected test loss on fresh noisy targets over
// the R draws, mean_x (1/R) Σ_r (f_r(x) − f*(x))² + σ² (the mean over the independent test noise ε
// of (f_r(x) − f*(x) − ε)², whose cross term vanishes), which is also computed directly from the
// draws as `expectedTestLoss`: the two agree to rounding. Where the caller gives noisy test targets
// y too, `testLoss` is the mean over draws of the test loss measured against them — the number a
// user would measure, equal to the sum up to the sampling error of one set of test-noise draws.
//
// Feature maps with randomness of their own (random features): pass a factory, called once per
// draw, to redraw the features with every training set — then the variance counts the randomness
// of the features as well as of the data (the "total" variance of d'Ascoli et al. 2020 and Adlam &
// Pennington 2020), which is the variance that diverges at the interpolation threshold; pass one
// FeatureMap to hold the features fixed and measure the variance over data draws alone.
// Isomorphic: no Node APIs.
import type { Matrix } from '../engine/matrix.js';
import { fitFeatureCurve } from '../fit/feature-curve.js';
import type { FeatureMap } from '../models/feature-map.js';

export interface TrainingSet {
  x: Matrix;
  /** Targets, rows × outputs. */
  y: Matrix;
}

export interface BiasVarianceProblem {
  /** One map for every draw (features held fixed), or a factory called with the draw index 0 … R − 1. */
  featureMap: FeatureMap | ((draw: number) => FeatureMap);
  /** Draw r's training set; called exactly once per draw, for r = 0, 1, … in order. */
  drawTrainingSet: (draw: number) => TrainingSet;
  /** R ≥ 2 independent training sets. */
  draws: number;
  /** The test points, the same for every draw. */
  xTest: Matrix;
  /** The noise-free targets f*(x) at the test points, rows × outputs. */
  truthTest: Matrix;
  /** σ²: the expected squared noise of one test target, summed over outputs. */
  noiseVariance: number;
  /** Optional noisy test targets f*(x) + ε: adds the measured `testLoss`. */
  yTest?: Matrix;
  /** Model sizes (features), strictly increasing. */
  features: number[];
  ridge: number;
  onProgress?: (done: number, total: number) => void;
}

export interface BiasVariancePoint {
  features: number;
  /** Unbiased estimate of the squared bias (may be slightly negative where the bias is ≈ 0). */
  bias2: number;
  /** Unbiased (1/(R − 1)) estimate of the variance over training sets. */
  variance: number;
  noise: number;
  /** bias² + variance + noise. */
  sum: number;
  /** mean over draws and test points of (f_r(x) − f*(x))², plus the noise: equals `sum`. */
  expectedTestLoss: number;
  /** Mean over draws of the test loss against the noisy targets yTest (NaN without them). */
  testLoss: number;
  /** Mean over draws of the training loss. */
  trainLoss: number;
  /** Largest diagonal jitter any draw needed to factorise its Gram matrix (0 almost always). */
  maxJitter: number;
}

export async function biasVariance(problem: BiasVarianceProblem): Promise<BiasVariancePoint[]> {
  const { draws, xTest, truthTest, yTest, features, ridge, noiseVariance } = problem;
  if (!(Number.isSafeInteger(draws) && draws >= 2))
    throw new Error(`draws must be an integer ≥ 2 (independent training sets), got ${draws}`);
  if (!(Number.isFinite(noiseVariance) && noiseVariance >= 0))
    throw new Error(`noiseVariance must be a finite number ≥ 0, got ${noiseVariance}`);
  if (truthTest.rows !== xTest.rows)
    throw new Error(`truthTest has ${truthTest.rows} rows, xTest ${xTest.rows}`);
  if (yTest && (yTest.rows !== truthTest.rows || yTest.cols !== truthTest.cols)) {
    throw new Error(`yTest is ${yTest.rows}x${yTest.cols}, truthTest ${truthTest.rows}x${truthTest.cols}`);
  }
  const m = features.length;
  const cells = truthTest.data.length; // test points × outputs
  const rows = truthTest.rows;
  // Per (model size, test cell): Welford's running mean and sum of squared deviations over draws
  // (stable where the predictions are huge near the threshold); per model size: running sums.
  const mean = new Float64Array(m * cells);
  const m2 = new Float64Array(m * cells);
  const sqError = new Float64Array(m);
  const noisyLoss = new Float64Array(m);
  const trainLoss = new Float64Array(m);
  const maxJitter = new Float64Array(m);
  const total = draws * m;
  let done = 0;

  for (let r = 0; r < draws; r++) {
    const set = problem.drawTrainingSet(r);
    const featureMap = typeof problem.featureMap === 'function' ? problem.featureMap(r) : problem.featureMap;
    if (set.y.cols !== truthTest.cols)
      throw new Error(`draw ${r}: training targets have ${set.y.cols} outputs, truthTest ${truthTest.cols}`);
    let k = 0;
    for await (const fit of fitFeatureCurve({
      featureMap,
      xTrain: set.x,
      xTest,
      yTrain: set.y,
      features,
      ridge,
    })) {
      if (fit.features !== features[k])
        throw new Error(`solver returned N = ${fit.features}, expected ${features[k]}`);
      const f = fit.testPrediction.data;
      const off = k * cells;
      let se = 0;
      let noisy = 0;
      for (let i = 0; i < cells; i++) {
        const d = f[i] - mean[off + i];
        mean[off + i] += d / (r + 1);
        m2[off + i] += d * (f[i] - mean[off + i]);
        se += (f[i] - truthTest.data[i]) ** 2;
        if (yTest) noisy += (f[i] - yTest.data[i]) ** 2;
      }
      sqError[k] += se / rows;
      noisyLoss[k] += noisy / rows;
      trainLoss[k] += meanSquaredRowError(fit.trainPrediction, set.y);
      maxJitter[k] = Math.max(maxJitter[k], fit.jitter);
      k++;
      problem.onProgress?.(++done, total);
    }
  }

  return features.map((nf, k) => {
    const off = k * cells;
    let bias2 = 0;
    let variance = 0;
    for (let i = 0; i < cells; i++) {
      const v = m2[off + i] / (draws - 1);
      bias2 += (mean[off + i] - truthTest.data[i]) ** 2 - v / draws;
      variance += v;
    }
    bias2 /= rows;
    variance /= rows;
    return {
      features: nf,
      bias2,
      variance,
      noise: noiseVariance,
      sum: bias2 + variance + noiseVariance,
      expectedTestLoss: sqError[k] / draws + noiseVariance,
      testLoss: yTest ? noisyLoss[k] / draws : NaN,
      trainLoss: trainLoss[k] / draws,
      maxJitter: maxJitter[k],
    };
  });
}

/** Squared error summed over outputs, averaged over rows. */
function meanSquaredRowError(prediction: Matrix, targets: Matrix): number {
  let s = 0;
  for (let i = 0; i < prediction.data.length; i++) s += (prediction.data[i] - targets.data[i]) ** 2;
  return s / prediction.rows;
}
