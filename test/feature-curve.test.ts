import { describe, expect, it } from 'vitest';
import { fitFeatureCurve, type CurvePointFit } from '../src/fit/feature-curve.js';
import { randomFeatures } from '../src/models/random-features.js';
import { zeros, type Matrix } from '../src/engine/matrix.js';
import { Rng } from '../src/engine/random.js';
import {
  maxAbs,
  maxAbsDiff,
  naiveMatmul,
  pseudoInverse,
  randomMatrix,
  singularLastFeatureMap,
} from './helpers.js';
import type { FeatureMap } from '../src/models/feature-map.js';

/** Raw features computed naively from the map's own parameters. */
function naiveFeatures(map: FeatureMap, x: Matrix, count: number): Matrix {
  const f = zeros(x.rows, count);
  for (let j = 0; j < count; j++) {
    const { v, b } = map.parameters(j);
    for (let i = 0; i < x.rows; i++) {
      let s = b;
      for (let k = 0; k < x.cols; k++) s += x.data[i * x.cols + k] * v[k];
      f.data[i * count + j] = map.kind === 'rff' ? Math.cos(s) : Math.max(0, s);
    }
  }
  return f;
}

function oneHotTargets(n: number, classes: number, seed: number): Matrix {
  const y = zeros(n, classes);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) y.data[i * classes + rng.int(classes)] = 1;
  return y;
}

async function collect(it: AsyncGenerator<CurvePointFit>): Promise<CurvePointFit[]> {
  const out: CurvePointFit[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe('random feature maps', () => {
  it.each(['rff', 'relu'] as const)('%s block equals the naive feature computation', async (kind) => {
    const x = randomMatrix(9, 4, 1);
    const map = randomFeatures({ kind, inputDim: 4, maxFeatures: 30, seed: 3, sigma: 2 });
    const f = await map.block(x, 5, 30);
    const naive = naiveFeatures(map, x, 30);
    const tail = zeros(9, 25);
    for (let i = 0; i < 9; i++) tail.data.set(naive.data.subarray(i * 30 + 5, i * 30 + 30), i * 25);
    expect(maxAbsDiff(f, tail)).toBeLessThan(1e-12);
  });

  it('draws the same features whatever the block sizes', async () => {
    const x = randomMatrix(5, 3, 2);
    const a = randomFeatures({ kind: 'rff', inputDim: 3, maxFeatures: 20, seed: 7 });
    const b = randomFeatures({ kind: 'rff', inputDim: 3, maxFeatures: 20, seed: 7 });
    const whole = await a.block(x, 0, 20);
    const first = await b.block(x, 0, 7);
    const second = await b.block(x, 7, 20);
    // Same weights; the GEMM kernels may round differently for different widths (≤ a few ulps).
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 20; j++) {
        const part = j < 7 ? first.data[i * 7 + j] : second.data[i * 13 + j - 7];
        expect(Math.abs(whole.data[i * 20 + j] - part)).toBeLessThan(1e-14);
      }
    }
  });

  it('draws RFF weights with variance σ⁻² and ReLU weights on the unit sphere', () => {
    const rff = randomFeatures({ kind: 'rff', inputDim: 50, maxFeatures: 400, seed: 1, sigma: 5 });
    let s2 = 0;
    let bMax = 0;
    for (let j = 0; j < 400; j++) {
      const { v, b } = rff.parameters(j);
      for (const w of v) s2 += w * w;
      bMax = Math.max(bMax, b);
      expect(b).toBeGreaterThanOrEqual(0);
    }
    // 20000 samples of N(0, 1/25): the sample variance is within 4% of 0.04 with overwhelming probability.
    expect(s2 / 20000).toBeGreaterThan(0.04 * 0.96);
    expect(s2 / 20000).toBeLessThan(0.04 * 1.04);
    expect(bMax).toBeLessThan(2 * Math.PI);
    const relu = randomFeatures({ kind: 'relu', inputDim: 50, maxFeatures: 10, seed: 1 });
    const { v } = relu.parameters(3);
    expect(Math.hypot(...v)).toBeCloseTo(1, 12);
  });
});

describe('fitFeatureCurve', () => {
  const n = 40;
  const d = 5;
  const classes = 3;
  const xTrain = randomMatrix(n, d, 11);
  const xTest = randomMatrix(25, d, 12);
  const yTrain = oneHotTargets(n, classes, 13);
  const features = [8, 20, 39, 40, 41, 60, 120];

  it.each(['rff', 'relu'] as const)(
    '%s: every point equals the pseudo-inverse solution, across the threshold N = n',
    async (kind) => {
      const map = randomFeatures({ kind, inputDim: d, maxFeatures: 120, seed: 5, sigma: 2 });
      const points = await collect(
        fitFeatureCurve({ featureMap: map, xTrain, xTest, yTrain, features, ridge: 0 }),
      );
      expect(points.map((p) => p.features)).toEqual(features);
      const fTrain = naiveFeatures(map, xTrain, 120);
      const fTest = naiveFeatures(map, xTest, 120);
      for (const p of points) {
        const nf = p.features;
        const s = map.scale(nf);
        const z = leading(fTrain, nf, s);
        const a = naiveMatmul(pseudoInverse(z), yTrain); // the minimum-norm least-squares solution
        const wantTrain = naiveMatmul(z, a);
        const wantTest = naiveMatmul(leading(fTest, nf, s), a);
        const wantNorm = Math.sqrt(a.data.reduce((t, x) => t + x * x, 0));
        // Cholesky on the Gram matrix loses accuracy like κ(Z)²·eps; the estimate is reported per
        // point, so the tolerance follows it (with a floor for rounding in the products).
        const tol = Math.max(1e-9, 1e-13 * p.condition);
        expect(p.condition).toBeGreaterThan(1);
        expect(maxAbsDiff(p.trainPrediction, wantTrain)).toBeLessThan(tol * Math.max(1, maxAbs(wantTrain)));
        expect(maxAbsDiff(p.testPrediction, wantTest)).toBeLessThan(tol * Math.max(1, maxAbs(wantTest)));
        expect(Math.abs(p.coefNorm - wantNorm) / wantNorm).toBeLessThan(tol);
        expect(p.regime).toBe(nf < n ? 'underparameterized' : 'interpolating');
        if (nf >= n) expect(maxAbsDiff(p.trainPrediction, yTrain)).toBeLessThan(1e-6); // interpolates
      }
    },
  );

  it('with a ridge, equals (ZᵀZ + λI)⁻¹ZᵀY on both sides of the threshold', async () => {
    const ridge = 0.3;
    const map = randomFeatures({ kind: 'rff', inputDim: d, maxFeatures: 120, seed: 6, sigma: 2 });
    const points = await collect(
      fitFeatureCurve({ featureMap: map, xTrain, xTest, yTrain, features, ridge }),
    );
    const fTrain = naiveFeatures(map, xTrain, 120);
    for (const p of points) {
      const z = leading(fTrain, p.features, map.scale(p.features));
      const system = naiveMatmul(z, z, true, false);
      for (let i = 0; i < p.features; i++) system.data[i * p.features + i] += ridge;
      const a = naiveMatmul(pseudoInverse(system), naiveMatmul(z, yTrain, true, false));
      expect(maxAbsDiff(p.trainPrediction, naiveMatmul(z, a))).toBeLessThan(1e-9);
    }
  });

  it('gives the same numbers whatever the block size', async () => {
    const run = async (blockSize: number) =>
      collect(
        fitFeatureCurve({
          featureMap: randomFeatures({ kind: 'rff', inputDim: d, maxFeatures: 120, seed: 5 }),
          xTrain,
          xTest,
          yTrain,
          features,
          ridge: 0,
          blockSize,
        }),
      );
    const [a, b] = [await run(7), await run(4096)];
    a.forEach((p, i) => {
      expect(maxAbsDiff(p.testPrediction, b[i].testPrediction)).toBeLessThan(
        1e-14 * p.condition * Math.max(1, maxAbs(p.testPrediction)),
      );
      // Only rounding differs, amplified at most like the condition number of the Gram matrix.
      expect(Math.abs(p.coefNorm - b[i].coefNorm) / p.coefNorm).toBeLessThan(1e-14 * p.condition);
    });
  });

  it('rejects bad sweeps with messages that name the problem', async () => {
    const map = randomFeatures({ kind: 'rff', inputDim: d, maxFeatures: 50, seed: 1 });
    const run = (features: number[], ridge = 0) =>
      collect(fitFeatureCurve({ featureMap: map, xTrain, xTest, yTrain, features, ridge }));
    await expect(run([10, 5])).rejects.toThrow(/strictly increasing/);
    await expect(run([0])).rejects.toThrow(/positive integer/);
    await expect(run([60])).rejects.toThrow(/exceeds/);
    await expect(run([10], -1)).rejects.toThrow(/ridge/);
    await expect(run([10], NaN)).rejects.toThrow(/ridge/);
  });
});

function leading(f: Matrix, count: number, scale: number): Matrix {
  const out = zeros(f.rows, count);
  for (let i = 0; i < f.rows; i++)
    for (let j = 0; j < count; j++) out.data[i * count + j] = scale * f.data[i * f.cols + j];
  return out;
}

describe('jitter does not leak into smaller models', () => {
  it('refactors the leading blocks when the largest under-parameterised Gram matrix is singular', async () => {
    const n = 30;
    const x = randomMatrix(n, 3, 7);
    const map = singularLastFeatureMap(3);
    const y = oneHotTargets(n, 3, 8);
    const points = await collect(
      fitFeatureCurve({ featureMap: map, xTrain: x, xTest: x, yTrain: y, features: [10, 20], ridge: 0 }),
    );
    expect(points[0].jitter).toBe(0);
    const f = await map.block(x, 0, 10);
    const z = leading(f, 10, map.scale(10));
    const want = naiveMatmul(z, naiveMatmul(pseudoInverse(z), y));
    expect(maxAbsDiff(points[0].trainPrediction, want)).toBeLessThan(1e-9);
    expect(points[1].jitter).toBeGreaterThan(0);
  });
});
