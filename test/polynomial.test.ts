import { describe, expect, it } from 'vitest';
import { regression1d, trainingSetDraws } from '../src/data/regression-1d.js';
import { matrix, zeros, type Matrix } from '../src/engine/matrix.js';
import { fitFeatureCurve, type CurvePointFit } from '../src/fit/feature-curve.js';
import { polynomialFitsPreset, runPolynomialFits } from '../src/experiments/classical/polynomial-fits.js';
import { polynomialPreset, runPolynomial } from '../src/experiments/classical/polynomial.js';
import { legendreCoefficients, polynomialFeatures } from '../src/models/polynomial.js';
import { polynomialFigures } from '../src/report/polynomial-figures.js';
import { renderSvg } from '../src/report/render.js';
import { compileVegaLite, maxAbsDiff, naiveMatmul, pseudoInverse } from './helpers.js';

async function collect(it: AsyncGenerator<CurvePointFit>): Promise<CurvePointFit[]> {
  const out: CurvePointFit[] = [];
  for await (const p of it) out.push(p);
  return out;
}

const column = (v: Float64Array): Matrix => matrix(v.length, 1, v);
const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const meanSquare = (a: Float64Array, b: Float64Array) =>
  a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0) / a.length;

describe('regression1d', () => {
  it('is deterministic, keeps its streams apart and has no noise at σ = 0', () => {
    const a = regression1d({ target: { name: 'sin' }, n: 15, nTest: 40, noise: 0.3, seed: 4 });
    const b = regression1d({ target: { name: 'sin' }, n: 15, nTest: 40, noise: 0.3, seed: 4 });
    expect(a.train.y).toEqual(b.train.y);
    expect(a.test.x).toEqual(b.test.x);
    // A different n leaves the test set alone; a different seed changes everything.
    const c = regression1d({ target: { name: 'sin' }, n: 30, nTest: 40, noise: 0.3, seed: 4 });
    expect(c.test.y).toEqual(a.test.y);
    const d = regression1d({ target: { name: 'sin' }, n: 15, nTest: 40, noise: 0.3, seed: 5 });
    expect(d.train.x).not.toEqual(a.train.x);
    const clean = regression1d({ target: { name: 'sin' }, n: 15, nTest: 40, noise: 0, seed: 4 });
    expect(clean.train.y).toEqual(clean.train.truth);
    expect(clean.train.x).toEqual(a.train.x);
    for (let i = 0; i < 15; i++)
      expect(a.train.truth[i]).toBeCloseTo(Math.sin(2 * Math.PI * a.train.x[i]), 14);
  });

  it('draws x uniformly on the interval; stratified puts one point in each cell', () => {
    const u = regression1d({
      target: { name: 'sin' },
      n: 4000,
      nTest: 10,
      noise: 0.1,
      interval: [-2, 3],
      seed: 1,
    });
    expect(Math.min(...u.train.x)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.train.x)).toBeLessThan(3);
    const mean = u.train.x.reduce((s, x) => s + x, 0) / 4000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1); // sd of the mean: 5/√12/√4000 ≈ 0.023
    const s = regression1d({
      target: { name: 'sin' },
      n: 25,
      nTest: 10,
      noise: 0.1,
      interval: [-2, 3],
      design: 'stratified',
      seed: 1,
    });
    s.train.x.forEach((x, i) => {
      expect(x).toBeGreaterThanOrEqual(-2 + (5 * i) / 25);
      expect(x).toBeLessThan(-2 + (5 * (i + 1)) / 25);
    });
    // The noise has standard deviation σ.
    const resid = u.train.y.map((y, i) => y - u.train.truth[i]);
    const sd = Math.sqrt(resid.reduce((t, r) => t + r * r, 0) / resid.length);
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.01);
  });

  it('evaluates polynomial targets, draws a normalised random Fourier target, and grids the interval', () => {
    const p = regression1d({
      target: { name: 'polynomial', coefficients: [1, -2, 0.5] },
      n: 5,
      nTest: 5,
      noise: 0,
      seed: 2,
      gridSize: 11,
    });
    p.train.x.forEach((x, i) => expect(p.train.y[i]).toBeCloseTo(1 - 2 * x + 0.5 * x * x, 13));
    expect(p.grid.x[0]).toBe(0);
    expect(p.grid.x[10]).toBe(1);
    expect(p.grid.x.length).toBe(11);
    const f = regression1d({
      target: { name: 'fourier', terms: 5 },
      n: 5,
      nTest: 5,
      noise: 0,
      seed: 3,
      gridSize: 4001,
    });
    const ms = f.grid.truth.slice(0, 4000).reduce((s, v) => s + v * v, 0) / 4000;
    expect(ms).toBeCloseTo(0.5, 6);
    const g = regression1d({
      target: { name: 'fourier', terms: 5 },
      n: 5,
      nTest: 5,
      noise: 0,
      seed: 4,
      gridSize: 50,
    });
    expect(g.grid.truth).not.toEqual(f.grid.truth.slice(0, 50));
  });

  it('draws independent training sets for bias–variance estimates, in order', () => {
    const data = regression1d({ target: { name: 'sin' }, n: 8, nTest: 5, noise: 0.2, seed: 9 });
    const a = trainingSetDraws(data, 8, 9);
    const b = trainingSetDraws(data, 8, 9);
    const [a0, a1] = [a(), a()];
    expect(b().x).toEqual(a0.x);
    expect(a1.x).not.toEqual(a0.x);
    expect(a0.x).not.toEqual(data.train.x);
  });

  it('rejects bad inputs with clear errors', () => {
    const base = { target: { name: 'sin' as const }, n: 5, nTest: 5, noise: 0.1, seed: 1 };
    expect(() => regression1d({ ...base, n: 0 })).toThrow(/n must be an integer ≥ 1, got 0/);
    expect(() => regression1d({ ...base, n: 2.5 })).toThrow(/n must be an integer ≥ 1/);
    expect(() => regression1d({ ...base, nTest: 0 })).toThrow(/nTest must be/);
    expect(() => regression1d({ ...base, noise: -0.1 })).toThrow(
      /noise σ must be a finite number ≥ 0, got -0.1/,
    );
    expect(() => regression1d({ ...base, target: { name: 'cos' as 'sin' } })).toThrow(
      /target must be one of sin, polynomial, fourier, got "cos"/,
    );
    expect(() => regression1d({ ...base, target: { name: 'polynomial' } })).toThrow(/needs coefficients/);
    expect(() => regression1d({ ...base, target: { name: 'fourier', terms: 0 } })).toThrow(/terms ≥ 1/);
    expect(() => regression1d({ ...base, interval: [1, 1] })).toThrow(/interval must be \[lo, hi\]/);
    expect(() => regression1d({ ...base, design: 'grid' as 'uniform' })).toThrow(/design must be one of/);
  });
});

describe('polynomial features (Legendre)', () => {
  it('block equals the Legendre polynomials from their coefficients, in any block split', async () => {
    const x = column(Float64Array.from([0, 0.1, 0.37, 0.5, 0.93, 1]));
    const map = polynomialFeatures({ maxDegree: 12, decay: 1 });
    const whole = await map.block(x, 0, 13);
    const tail = await map.block(x, 5, 13);
    for (let i = 0; i < 6; i++) {
      const t = 2 * x.data[i] - 1;
      for (let j = 0; j < 13; j++) {
        const v = map.parameters(j).v;
        let s = 0;
        for (let d = v.length - 1; d >= 0; d--) s = s * t + v[d];
        expect(whole.data[i * 13 + j]).toBeCloseTo(s, 9);
        if (j >= 5) expect(tail.data[i * 8 + j - 5]).toBe(whole.data[i * 13 + j]);
      }
    }
    // P_3(t) = (5t³ − 3t)/2; P_j(1) = 1, so feature j at x = hi is √(2j + 1)/(1 + j).
    expect([...legendreCoefficients(3)]).toEqual([0, -1.5, 0, 2.5]);
    for (let j = 0; j < 13; j++)
      expect(whole.data[5 * 13 + j]).toBeCloseTo(Math.sqrt(2 * j + 1) / (1 + j), 12);
  });

  it('is orthonormal under the uniform measure on the interval (decay 0)', async () => {
    const m = 20000; // midpoint rule on [2, 5]
    const x = column(Float64Array.from({ length: m }, (_, i) => 2 + (3 * (i + 0.5)) / m));
    const f = await polynomialFeatures({ maxDegree: 10, interval: [2, 5] }).block(x, 0, 11);
    const gram = naiveMatmul(f, f, true, false);
    for (let j = 0; j < 11; j++)
      for (let k = 0; k < 11; k++) expect(gram.data[j * 11 + k] / m).toBeCloseTo(j === k ? 1 : 0, 4);
  });

  // n = 20 spread-out points: up to the threshold p + 1 = n the feature matrix has κ ≲ 10⁵ (iid
  // uniform points: up to 10¹², beyond the solver's normal equations in f64 — see the presets).
  it('reproduces an exact polynomial: zero test error for every degree p ≥ its degree with p + 1 ≤ n', async () => {
    const data = regression1d({
      target: { name: 'polynomial', coefficients: [0.5, -3, 4, 2, -1.5] },
      n: 20,
      nTest: 300,
      noise: 0,
      design: 'stratified',
      seed: 3,
    });
    const degrees = [4, 6, 10, 15, 19];
    const fits = await collect(
      fitFeatureCurve({
        featureMap: polynomialFeatures({ maxDegree: 19 }),
        xTrain: column(data.train.x),
        xTest: column(data.test.x),
        yTrain: column(data.train.y),
        features: degrees.map((p) => p + 1),
        ridge: 0,
      }),
    );
    for (const fit of fits) {
      expect(meanSquare(fit.testPrediction.data, data.test.truth)).toBeLessThan(1e-10);
      expect(meanSquare(fit.trainPrediction.data, data.train.truth)).toBeLessThan(1e-10);
    }
    // Below the target's degree it cannot.
    const [low] = await collect(
      fitFeatureCurve({
        featureMap: polynomialFeatures({ maxDegree: 3 }),
        xTrain: column(data.train.x),
        xTest: column(data.test.x),
        yTrain: column(data.train.y),
        features: [4],
        ridge: 0,
      }),
    );
    expect(meanSquare(low.testPrediction.data, data.test.truth)).toBeGreaterThan(1e-6);
  });

  it.each([0, 1])(
    'beyond the threshold the fit is the minimum-norm interpolant (decay %s): smaller norm than any other',
    async (decay) => {
      const n = 12;
      const p = 40;
      const data = regression1d({
        target: { name: 'sin' },
        n,
        nTest: 50,
        noise: 0.2,
        design: 'stratified',
        seed: 5,
      });
      const map = polynomialFeatures({ maxDegree: p, decay });
      const [fit] = await collect(
        fitFeatureCurve({
          featureMap: map,
          xTrain: column(data.train.x),
          xTest: column(data.test.x),
          yTrain: column(data.train.y),
          features: [p + 1],
          ridge: 0,
        }),
      );
      // It interpolates.
      expect(maxAbsDiff(fit.trainPrediction.data, data.train.y)).toBeLessThan(1e-9);
      // It is the pseudo-inverse solution a = F⁺y (independent Jacobi SVD).
      const f = await map.block(column(data.train.x), 0, p + 1);
      const pinv = pseudoInverse(f);
      const a = naiveMatmul(pinv, column(data.train.y)).data;
      expect(Math.abs(fit.coefNorm - norm(a)) / norm(a)).toBeLessThan(1e-8);
      const g = await map.block(column(data.test.x), 0, p + 1);
      expect(maxAbsDiff(fit.testPrediction.data, naiveMatmul(g, column(a)).data)).toBeLessThan(1e-8);
      // Another interpolant: a + z with z = (I − F⁺F) v in the null space of F.
      const v = Float64Array.from({ length: p + 1 }, (_, j) => Math.cos(3 * j + 1));
      const pfv = naiveMatmul(pinv, naiveMatmul(f, column(v))).data;
      const other = a.map((aj, j) => aj + v[j] - pfv[j]);
      const fOther = naiveMatmul(f, column(other)).data;
      expect(maxAbsDiff(fOther, data.train.y)).toBeLessThan(1e-9);
      expect(norm(other)).toBeGreaterThan(fit.coefNorm * 1.01);
      // So is the unique degree n − 1 interpolant, padded with zeros.
      const fn = zeros(n, n);
      for (let i = 0; i < n; i++) fn.data.set(f.data.subarray(i * (p + 1), i * (p + 1) + n), i * n);
      const padded = naiveMatmul(pseudoInverse(fn), column(data.train.y)).data;
      expect(norm(padded)).toBeGreaterThan(fit.coefNorm);
    },
  );

  it('rejects a negative or fractional degree and a bad interval', async () => {
    expect(() => polynomialFeatures({ maxDegree: -1 })).toThrow(
      /polynomial degree must be an integer ≥ 0, got -1/,
    );
    expect(() => polynomialFeatures({ maxDegree: 2.5 })).toThrow(/polynomial degree must be an integer ≥ 0/);
    expect(() => polynomialFeatures({ maxDegree: 3, decay: -1 })).toThrow(/decay must be/);
    expect(() => polynomialFeatures({ maxDegree: 3, interval: [1, 0] })).toThrow(/interval/);
    const map = polynomialFeatures({ maxDegree: 3 });
    await expect(map.block(zeros(2, 2), 0, 2)).rejects.toThrow(/1 input column/);
    await expect(map.block(zeros(2, 1), 0, 5)).rejects.toThrow(/outside \[0, 4\)/);
  });
});

describe('polynomial presets', () => {
  it('validate their configuration, naming the field', () => {
    expect(() => polynomialPreset.resolve({ maxDegree: -1 })).toThrow(
      /maxDegree must be a polynomial degree \(an integer ≥ 0\), got -1/,
    );
    expect(() => polynomialPreset.resolve({ n: 0 })).toThrow(/n must be a positive integer, got 0/);
    expect(() => polynomialPreset.resolve({ noise: -1 })).toThrow(
      /noise must be a number in \[0, ∞\), got -1/,
    );
    expect(() => polynomialPreset.resolve({ target: 'tan' as 'sin' })).toThrow(
      /target must be one of sin, polynomial, fourier/,
    );
    expect(() => polynomialPreset.resolve({ draws: 1 })).toThrow(/draws must be 0 .* or an integer ≥ 2/);
    expect(() => polynomialPreset.resolve({ degree: 3 } as never)).toThrow(/unknown config field 'degree'/);
    expect(() => polynomialPreset.resolve({ coefficients: [] })).toThrow(
      /coefficients must be a non-empty list/,
    );
    expect(() => polynomialPreset.resolve({ interval: [2, 1] })).toThrow(/lo < hi/);
    expect(() => polynomialPreset.resolve({ design: 'grid' as 'uniform' })).toThrow(
      /design must be one of uniform, stratified/,
    );
    expect(() => polynomialFitsPreset.resolve({ degrees: [3, 1, 9] })).toThrow(/degrees must be increasing/);
    expect(() => polynomialFitsPreset.resolve({ degrees: [1, 3] as never })).toThrow(/three degrees/);
    expect(() => polynomialFitsPreset.resolve({ degrees: [-1, 3, 9] })).toThrow(
      /degrees\[0\] must be a polynomial degree/,
    );
    expect(() => polynomialFitsPreset.resolve({ degrees: [1, 3, 8] })).toThrow(
      /cannot interpolate n = 10 samples/,
    );
    // The README's defaults.
    expect(polynomialPreset.resolve({})).toEqual({
      target: 'sin',
      coefficients: [0, 8, -24, 16],
      fourierTerms: 6,
      noise: 0.2,
      interval: [0, 1],
      design: 'stratified',
      n: 20,
      nTest: 500,
      maxDegree: 120,
      decay: 1,
      ridge: 0,
      draws: 100,
      seed: 1,
      effectiveParameters: true,
    });
    expect(polynomialFitsPreset.resolve({})).toMatchObject({
      n: 10,
      nTest: 500,
      degrees: [1, 3, 9],
      gridSize: 400,
    });
  });

  it('polynomial: the sweet spot lies below the threshold, the peak at it, the best beyond it', async () => {
    const config = polynomialPreset.resolve({ n: 12, nTest: 300, maxDegree: 48, draws: 8, seed: 2 });
    const { points, summary } = await runPolynomial(config);
    expect(points.map((p) => p.degree)).toEqual(Array.from({ length: 49 }, (_, p) => p));
    const t = summary.interpolationThreshold;
    expect(t.degree).toBe(11);
    expect(summary.classicalSweetSpot!.degree).toBeLessThan(11);
    expect(summary.bestBeyondThreshold!.degree).toBeGreaterThan(11);
    expect(Math.abs(summary.peakTestLoss.degree - 11)).toBeLessThanOrEqual(2);
    expect(summary.classicalSweetSpot!.testLoss).toBeLessThan(t.testLoss! / 10);
    expect(summary.bestBeyondThreshold!.testLoss).toBeLessThan(t.testLoss! / 10);
    // Interpolation from the threshold on: train loss 0 (to rounding).
    for (const p of points) {
      if (p.features >= 12) expect(p.trainLoss).toBeLessThan(1e-12);
      else expect(p.trainLoss).toBeGreaterThan(1e-6);
    }
    const bv = summary.biasVariance!;
    expect(bv.maxRelativeGap).toBeLessThan(1e-10);
    expect(Math.abs(bv.peakVariance.degree - 11)).toBeLessThanOrEqual(1);
    expect(bv.sweetSpot!.degree).toBeLessThan(11);
    for (const p of points) expect(p.biasVarianceSum).toBeCloseTo(p.bias2 + p.variance + p.noise, 12);
    // The classical trade-off below the threshold: variance grows with the degree.
    expect(points[9].variance).toBeGreaterThan(points[1].variance);
    expect(points[0].bias2).toBeGreaterThan(points[5].bias2);
    // Effective parameters: least squares and the minimum-norm interpolant are projections of rank
    // min(p + 1, n), and p_test peaks at the threshold, where the variance explodes.
    for (const p of points) expect(p.effectiveTrain).toBeCloseTo(Math.min(p.features, 12), 6);
    expect(Math.abs(summary.effective!.peak.size - 12)).toBeLessThanOrEqual(1);
    expect(summary.effective!.peak.effectiveTest).toBeGreaterThan(1e3 * 12);
  });

  it('polynomial: deterministic, and its preset interface returns summary lines', async () => {
    const config = polynomialPreset.resolve({ n: 8, nTest: 50, maxDegree: 20, draws: 3 });
    const a = await polynomialPreset.run(config, {
      loadDataset: () => {
        throw new Error('no dataset');
      },
    });
    const b = await polynomialPreset.run(config, {
      loadDataset: () => {
        throw new Error('no dataset');
      },
    });
    expect(a.points).toEqual(b.points);
    expect(a.summaryLines.join('\n')).toMatch(/classical sweet spot \(p\+1 < n\)\s+degree \d+/);
    expect(a.summaryLines.join('\n')).toMatch(/interpolation threshold\s+p \+ 1 = n = 8: degree 7/);
    const none = await runPolynomial(polynomialPreset.resolve({ n: 8, nTest: 50, maxDegree: 20, draws: 0 }));
    expect(none.summary.biasVariance).toBeNull();
    expect('bias2' in none.points[0]).toBe(false);
  });

  it('polynomial-fits: under-fitting, well-chosen and interpolating, as rows on a grid plus samples', async () => {
    const config = polynomialFitsPreset.resolve({});
    const { points, summary } = await runPolynomialFits(config);
    const grid = points.filter((p) => p.sample === 0);
    const samples = points.filter((p) => p.sample === 1);
    expect(grid.length).toBe(config.gridSize);
    expect(samples.length).toBe(config.n);
    expect(samples.every((p) => 'y' in p)).toBe(true);
    expect(grid.every((p) => !('y' in p))).toBe(true);
    const [low, good, interp] = summary.fits;
    expect(interp.trainLoss).toBeLessThan(1e-20);
    // The interpolant passes through the samples.
    for (const s of samples) expect(s.fitInterp).toBeCloseTo(s.y, 8);
    expect(good.testLoss).toBeLessThan(low.testLoss);
    expect(good.testLoss).toBeLessThan(interp.testLoss);
    expect(low.trainLoss).toBeGreaterThan(good.trainLoss);
  });
});

describe('polynomial figures', () => {
  const silentCompile = (spec: unknown) => compileVegaLite(spec).messages;

  it('compile without warnings and render, with the landmarks in the SVG', async () => {
    const ctx = {
      loadDataset: () => {
        throw new Error('no dataset');
      },
    };
    const fitsConfig = polynomialFitsPreset.resolve({});
    const fits = await polynomialFitsPreset.run(fitsConfig, ctx);
    const fitsSpec = polynomialFigures['polynomial-fits'](fitsConfig, fits);
    expect(silentCompile(fitsSpec)).toEqual([]);
    const fitsSvg = await renderSvg(fitsSpec);
    for (const t of ['degree 1 (under-fitting)', 'degree 3 (well-chosen)', 'degree 9 (interpolating)']) {
      expect(fitsSvg).toContain(t);
    }

    const config = polynomialPreset.resolve({ n: 10, nTest: 100, maxDegree: 40, draws: 4 });
    const result = await polynomialPreset.run(config, ctx);
    const spec = polynomialFigures.polynomial(config, result);
    expect(silentCompile(spec)).toEqual([]);
    const svg = await renderSvg(spec);
    for (const t of ['sweet spot p =', 'p + 1 = n:', 'best beyond p =', 'polynomial degree p', 'variance']) {
      expect(svg).toContain(t);
    }
  });
});
