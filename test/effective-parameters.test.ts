// The effective-parameter probe of the whole-curve solver against the definition, computed naively:
// the explicit smoother matrices S = Z Z⁺ and S_test = Z₀ Z⁺ from a pseudo-inverse (SVD) in f64.
import { describe, expect, it } from 'vitest';
import { fitFeatureCurve, type CurvePointFit } from '../src/fit/feature-curve.js';
import { zeros, type Matrix } from '../src/engine/matrix.js';
import { Rng } from '../src/engine/random.js';
import { randomFeatures } from '../src/models/random-features.js';
import { polynomialFeatures } from '../src/models/polynomial.js';
import type { FeatureMap } from '../src/models/feature-map.js';
import { naiveMatmul, pseudoInverse, randomMatrix, singularLastFeatureMap } from './helpers.js';

async function collect(it: AsyncGenerator<CurvePointFit>): Promise<CurvePointFit[]> {
  const out: CurvePointFit[] = [];
  for await (const p of it) out.push(p);
  return out;
}

/** Z⁺ for ridge 0, (ZᵀZ + λI)⁻¹Zᵀ otherwise: the map from targets to coefficients. */
function coefficientMap(z: Matrix, ridge: number): Matrix {
  if (ridge === 0) return pseudoInverse(z);
  const system = naiveMatmul(z, z, true, false);
  for (let i = 0; i < z.cols; i++) system.data[i * z.cols + i] += ridge;
  return naiveMatmul(pseudoInverse(system), z, false, true);
}

function trace(a: Matrix): number {
  let t = 0;
  for (let i = 0; i < a.rows; i++) t += a.data[i * a.cols + i];
  return t;
}

const sumOfSquares = (a: Matrix) => a.data.reduce((s, x) => s + x * x, 0);

function scaledLeading(f: Matrix, count: number, s: number): Matrix {
  const out = zeros(f.rows, count);
  for (let i = 0; i < f.rows; i++)
    for (let j = 0; j < count; j++) out.data[i * count + j] = s * f.data[i * f.cols + j];
  return out;
}

/** [p_train, p_test] from explicit smoother matrices. */
async function direct(map: FeatureMap, x: Matrix, x0: Matrix, nf: number, ridge: number) {
  const s = map.scale(nf);
  const z = scaledLeading(await map.block(x, 0, nf), nf, s);
  const z0 = scaledLeading(await map.block(x0, 0, nf), nf, s);
  const p = coefficientMap(z, ridge);
  const sTrain = naiveMatmul(z, p);
  const sTest = naiveMatmul(z0, p); // row j: ŝ(x₀ⱼ)ᵀ
  return [trace(sTrain), (x.rows / x0.rows) * sumOfSquares(sTest)];
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('effective parameters of the whole-curve solver', () => {
  const n = 30;
  const xTrain = randomMatrix(n, 4, 21);
  const xTest = randomMatrix(17, 4, 22);
  const yTrain = randomMatrix(n, 2, 23);
  const features = [5, 12, 24, 30, 33, 60, 150];

  // Both sides lose accuracy like the condition number κ of the factored Gram matrix (κ·eps): these
  // problems keep κ ≤ 3·10⁵; with σ = 3 instead of 0.5 the threshold point had κ ≈ 3.5·10⁹ and
  // agreed to 3.5e-8 only.
  it.each([0, 0.05])(
    'random Fourier features, ridge %s: tr(S) and n/|test|·Σ‖ŝ(x₀)‖² agree with the explicit smoother to 1e-8',
    async (ridge) => {
      const map = randomFeatures({ kind: 'rff', inputDim: 4, maxFeatures: 150, seed: 3, sigma: 0.5 });
      const points = await collect(
        fitFeatureCurve({
          featureMap: map,
          xTrain,
          xTest,
          yTrain,
          features,
          ridge,
          effectiveParameters: true,
          blockSize: 16, // several blocks: the running cross kernel is a sum over them
        }),
      );
      for (const p of points) {
        const [train, test] = await direct(map, xTrain, xTest, p.features, ridge);
        expect(relative(p.effectiveParameters!.train, train)).toBeLessThan(1e-8);
        expect(relative(p.effectiveParameters!.test, test)).toBeLessThan(1e-8);
        // Ridgeless least squares is a projection of rank min(N, n).
        if (ridge === 0) expect(p.effectiveParameters!.train).toBeCloseTo(Math.min(p.features, n), 8);
        else expect(p.effectiveParameters!.train).toBeLessThan(Math.min(p.features, n) - 1e-3);
      }
    },
  );

  it('Legendre features (the polynomial family), ridgeless, on 1-D inputs', async () => {
    // Training points spread over [0, 1] (one per twelfth, placed at random inside it): clustered
    // points would make the Vandermonde-like feature matrix ill-conditioned at the threshold.
    const rng = new Rng(5);
    const x = zeros(12, 1);
    const x0 = zeros(40, 1);
    for (let i = 0; i < 12; i++) x.data[i] = (i + rng.uniform()) / 12;
    for (let i = 0; i < 40; i++) x0.data[i] = rng.uniform();
    const map = polynomialFeatures({ maxDegree: 40, decay: 1 });
    const degrees = [1, 4, 10, 11, 12, 20, 40];
    const points = await collect(
      fitFeatureCurve({
        featureMap: map,
        xTrain: x,
        xTest: x0,
        yTrain: zeros(12, 1),
        features: degrees.map((d) => d + 1),
        ridge: 0,
        effectiveParameters: true,
      }),
    );
    for (const p of points) {
      const [train, test] = await direct(map, x, x0, p.features, 0);
      expect(relative(p.effectiveParameters!.train, train)).toBeLessThan(1e-8);
      expect(relative(p.effectiveParameters!.test, test)).toBeLessThan(1e-8);
    }
  });

  it('a jittered shared factor falls back to per-point factors and still matches', async () => {
    const map = singularLastFeatureMap(4);
    const points = await collect(
      fitFeatureCurve({
        featureMap: map,
        xTrain,
        xTest,
        yTrain,
        features: [10, 20],
        ridge: 0,
        effectiveParameters: true,
      }),
    );
    expect(points[1].jitter).toBeGreaterThan(0);
    const [train, test] = await direct(map, xTrain, xTest, 10, 0);
    expect(relative(points[0].effectiveParameters!.train, train)).toBeLessThan(1e-8);
    expect(relative(points[0].effectiveParameters!.test, test)).toBeLessThan(1e-8);
    // The singular model uses 19 distinct features: the jittered fit is (nearly) their projection.
    expect(points[1].effectiveParameters!.train).toBeCloseTo(19, 3);
  });

  // linear-gaussian appends the basis vectors to its test rows to read off β̂: p_test must count the
  // test inputs only. Checked against the explicit smoother on the test rows alone, on both sides of
  // the threshold and with a shifted (ridge) factor, so every one of the three solver paths is covered.
  it.each([0, 0.05])(
    'p_test over the first effectiveTestRows rows only (appended probe rows excluded), ridge %s',
    async (ridge) => {
      const map = randomFeatures({ kind: 'rff', inputDim: 4, maxFeatures: 150, seed: 3, sigma: 0.5 });
      const probes = randomMatrix(9, 4, 24);
      const withProbes = zeros(xTest.rows + probes.rows, 4);
      withProbes.data.set(xTest.data);
      withProbes.data.set(probes.data, xTest.data.length);
      const points = await collect(
        fitFeatureCurve({
          featureMap: map,
          xTrain,
          xTest: withProbes,
          yTrain,
          features,
          ridge,
          effectiveParameters: true,
          effectiveTestRows: xTest.rows,
          blockSize: 16,
        }),
      );
      for (const p of points) {
        const [train, test] = await direct(map, xTrain, xTest, p.features, ridge);
        const [, withAll] = await direct(map, xTrain, withProbes, p.features, ridge);
        expect(relative(p.effectiveParameters!.train, train)).toBeLessThan(1e-8);
        expect(relative(p.effectiveParameters!.test, test)).toBeLessThan(1e-8);
        // …and the probe rows would have changed it, so the comparison can fail.
        expect(relative(withAll, test)).toBeGreaterThan(1e-3);
      }
    },
  );

  it('refuses an effectiveTestRows outside the test rows', async () => {
    const map = randomFeatures({ kind: 'rff', inputDim: 4, maxFeatures: 40, seed: 3 });
    const run = (effectiveTestRows: number) =>
      collect(
        fitFeatureCurve({
          featureMap: map,
          xTrain,
          xTest,
          yTrain,
          features: [10],
          ridge: 0,
          effectiveParameters: true,
          effectiveTestRows,
        }),
      );
    await expect(run(18)).rejects.toThrow(
      'effectiveTestRows must be an integer in [1, 17] (the test rows), got 18',
    );
    await expect(run(0)).rejects.toThrow('got 0');
  });

  it('is absent unless asked for', async () => {
    const map = randomFeatures({ kind: 'rff', inputDim: 4, maxFeatures: 40, seed: 3 });
    const points = await collect(
      fitFeatureCurve({ featureMap: map, xTrain, xTest, yTrain, features: [10, 40], ridge: 0 }),
    );
    expect(points.every((p) => p.effectiveParameters === undefined)).toBe(true);
  });
});
