import { compileVegaLite, naiveMatmul, pseudoInverse } from './helpers.js';
// The theory presets: configuration checks, determinism, and agreement of small runs with the
// closed forms of src/theory (the curves themselves are tested in theory.test.ts).
//
// Tolerances come from the seed-to-seed spread the run itself shows: with S seeds and a sample
// standard deviation sd, the mean over seeds has standard error se = sd/√S, and an exact expectation
// must lie within 4·se of it (a false alarm has probability ≈ 6·10⁻⁵ per row under a normal
// approximation; the seeds are fixed, so the outcome is deterministic). Where the theory is a
// large-size limit, a finite-size allowance is added, stated at each test.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  linearGaussianRows,
  linearGaussianTrials,
  linearGaussianPreset,
  solverRidge,
  type LinearGaussianConfig,
} from '../src/experiments/theory/linear-gaussian.js';
import type { PresetResult, Row } from '../src/experiments/preset.js';
import {
  rfReluGaussianPreset,
  rfReluGaussianRows,
  rfReluGaussianTrials,
  type RfReluGaussianConfig,
} from '../src/experiments/theory/rf-relu-gaussian.js';
import { linearGaussian } from '../src/data/linear-gaussian.js';
import { repetitionSeed } from '../src/experiments/common/repetitions.js';
import { renderSvg } from '../src/report/render.js';
import { theoryFigures } from '../src/report/theory-figures.js';

const se = (r: Row, seeds: number) => r.riskSd / Math.sqrt(seeds);
const relErr = (a: number, b: number) => Math.abs(a / b - 1);
const noContext = {
  loadDataset: () => {
    throw new Error('no dataset needed');
  },
};

describe('linearGaussian data', () => {
  it('has ‖β‖ = r, nested inputs across d, and noise independent of d', () => {
    const small = linearGaussian({ d: 5, n: 7, nTest: 3, r: 2, sigma: 0.3, seed: 4 });
    const large = linearGaussian({ d: 9, n: 7, nTest: 3, r: 2, sigma: 0.3, seed: 4 });
    expect(Math.hypot(...small.beta)).toBeCloseTo(2, 14);
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 5; j++) expect(large.train.x.data[i * 9 + j]).toBe(small.train.x.data[i * 5 + j]);
    // ε = y − ⟨β, x⟩ (up to the rounding of that difference).
    const noise = (d: typeof small) => d.train.y.map((y, i) => y - d.train.truth[i]);
    noise(large).forEach((e, i) => expect(e).toBeCloseTo(noise(small)[i], 14));
    expect(() => linearGaussian({ d: 0, n: 1, nTest: 0, r: 1, sigma: 0, seed: 1 })).toThrow(/^d must be/);
    expect(() => linearGaussian({ d: 1, n: 1, nTest: 0, r: 1, sigma: -1, seed: 1 })).toThrow(
      /^sigma must be/,
    );
  });
});

describe('repetitionSeed', () => {
  it('gives runs with neighbouring base seeds disjoint repetitions (unlike seed + r)', () => {
    const run = (seed: number) => new Set(Array.from({ length: 100 }, (_, r) => repetitionSeed(seed, r)));
    const a = run(1);
    expect([...run(2)].some((s) => a.has(s))).toBe(false);
    expect(repetitionSeed(-3, 5)).toBe(-3 * 2 ** 20 + 5);
    expect(() => repetitionSeed(1, 2 ** 20)).toThrow(/^repetition must be/);
  });
});

describe('linear-gaussian preset', () => {
  it('resolves defaults and rejects bad fields by name', () => {
    const c = linearGaussianPreset.resolve({});
    expect(c.p.every((p) => Math.abs(p - c.n) > 1)).toBe(true);
    expect(c.p[0]).toBeLessThan(c.n);
    expect(c.p[c.p.length - 1]).toBeGreaterThan(c.n);
    expect(() => linearGaussianPreset.resolve({ n: 100, p: [50, 101] })).toThrow(
      /p\[1\] = 101 is within 1 of n = 100/,
    );
    expect(() => linearGaussianPreset.resolve({ p: [0] })).toThrow(/^p\[0\] must be a positive integer/);
    expect(() => linearGaussianPreset.resolve({ ridges: [-1] })).toThrow(/^ridges\[0\] must be a number/);
    expect(() => linearGaussianPreset.resolve({ ridges: ['best' as never] })).toThrow(/^ridges\[0\]/);
    expect(() => linearGaussianPreset.resolve({ r: 0 })).toThrow(/'optimal' needs r > 0/);
    expect(() => linearGaussianPreset.resolve({ sigma: NaN })).toThrow(/^sigma must be/);
    expect(() => linearGaussianPreset.resolve({ seeds: 0 })).toThrow(/^seeds must be a positive integer/);
    expect(() => linearGaussianPreset.resolve({ gamma: 1 } as never)).toThrow(/unknown config field 'gamma'/);
    expect(() => linearGaussianPreset.resolve({ seed: 2 ** 32 })).toThrow(
      /^seed must be an integer with \|seed\| < 2³²/,
    );
    expect(() => linearGaussianPreset.resolve({ seeds: 2 ** 20 + 1 })).toThrow(/^seeds must be at most/);
  });

  it('gives the solver ridge = n·λ (and n·σ²γ/r² for the optimal ridge)', () => {
    const c = linearGaussianPreset.resolve({ n: 100, r: 2, sigma: 0.5 });
    expect(solverRidge(0.3, 50, c)).toBeCloseTo(30, 12);
    expect(solverRidge('optimal', 50, c)).toBeCloseTo(100 * ((0.25 * 0.5) / 4), 12);
  });

  it('is deterministic for a seed', async () => {
    const c = linearGaussianPreset.resolve({ n: 30, nTest: 20, p: [10, 50], seeds: 3 });
    const a = await linearGaussianPreset.run(c, noContext);
    const b = await linearGaussianPreset.run(c, noContext);
    expect(a.points).toEqual(b.points);
    const other = await linearGaussianPreset.run({ ...c, seed: 2 }, noContext);
    expect(other.points[0].riskMean).not.toBe(a.points[0].riskMean);
    // Sweeps summarise rows aggregated over seeds with the same function.
    expect(linearGaussianPreset.summarizeRows!(c, a.points).summaryLines).toEqual(a.summaryLines);
    expect(linearGaussianPreset.estimateBytes!(c)).toBeGreaterThan(5e8);
  });

  describe('small run (n = 100, 40 seeds)', () => {
    let config: LinearGaussianConfig;
    let rows: Row[];
    beforeAll(async () => {
      config = linearGaussianPreset.resolve({
        n: 100,
        nTest: 200,
        p: [20, 50, 70, 130, 200, 300],
        ridges: [0, 'optimal', 0.5],
        seeds: 40,
      });
      rows = linearGaussianRows(config, await linearGaussianTrials(config));
    });

    it('min-norm: the mean over seeds matches the exact finite-n expectation within 4 standard errors', () => {
      const ridgeless = rows.filter((r) => r.lambda === 0);
      expect(ridgeless).toHaveLength(6);
      for (const r of ridgeless) {
        expect(Math.abs(r.riskMean - r.theoryFinite), `p = ${r.p}`).toBeLessThan(4 * se(r, config.seeds));
      }
    });

    it('ridge (λ = 0.5 and λ*): the mean matches the asymptotic risk within 4 se plus the finite-n size of corrections', () => {
      // No closed form at finite n with a ridge; the allowance is how far the exact finite-n
      // ridgeless risk is from its limit at the same n over the same rows (ridge only shrinks
      // the fluctuations that make up that correction).
      const ridgeless = rows.filter((r) => r.lambda === 0 && Math.abs(r.gamma - 1) >= 0.2);
      const allowance = Math.max(...ridgeless.map((r) => relErr(r.theoryFinite, r.theory)));
      expect(allowance).toBeLessThan(0.2);
      const ridged = rows.filter((r) => r.lambda > 0);
      expect(ridged).toHaveLength(12);
      for (const r of ridged) {
        const tol = 4 * se(r, config.seeds) + allowance * r.theory;
        expect(Math.abs(r.riskMean - r.theory), `λ = ${r.lambda}, p = ${r.p}`).toBeLessThan(tol);
      }
      // The optimal ridge beats the fixed ones and min-norm at every p, in theory and on average.
      for (const p of config.p) {
        const at = rows.filter((r) => r.p === p);
        const opt = at.find((r) => r.optimalRidge === 1)!;
        for (const r of at) expect(opt.theory).toBeLessThanOrEqual(r.theory + 1e-15);
        for (const r of at) expect(opt.riskMean).toBeLessThanOrEqual(r.riskMean * 1.02);
      }
    });

    it('the test MSE on fresh noisy points is the excess risk plus σ²', () => {
      for (const r of rows.filter((x) => Math.abs(x.gamma - 1) >= 0.5)) {
        expect(relErr(r.testMseMedian, r.riskMedian + 0.25)).toBeLessThan(0.15);
      }
    });
  });

  it('agrees with theory within a few percent away from the threshold (n = 200, 100 seeds)', async () => {
    // Away from γ = 1 the seed-to-seed spread is 6–20% (γ ≤ 0.7 and γ ≥ 1.5), so with 100 seeds
    // the mean's standard error is ≤ 2%: the exact finite-n expectation must be within 5%, and the
    // median within 6% of the n → ∞ limit (the finite-n shift is ≤ 2.5% on these rows).
    const config = linearGaussianPreset.resolve({
      n: 200,
      nTest: 50,
      p: [60, 100, 140, 300, 400, 800],
      ridges: [0],
      seeds: 100,
    });
    const rows = linearGaussianRows(config, await linearGaussianTrials(config));
    for (const r of rows) {
      expect(relErr(r.riskMean, r.theoryFinite), `mean, p = ${r.p}`).toBeLessThan(0.05);
      expect(relErr(r.riskMedian, r.theory), `median, p = ${r.p}`).toBeLessThan(0.06);
    }
  });

  // Effective parameters (Curth et al. 2023) of each fit, against explicit smoother matrices built
  // here from the same draws: S_test = X₀ (XᵀX + nλI)⁻¹ Xᵀ, or X₀ X⁺ for the min-norm fit.
  it('effectiveParameters: tr S and n/|test|·Σ‖ŝ(x₀)‖² over the test inputs, not the basis vectors', async () => {
    const n = 30;
    const nTest = 20;
    const config = linearGaussianPreset.resolve({
      n,
      nTest,
      p: [10, 60],
      ridges: [0, 0.5],
      seeds: 1,
      effectiveParameters: true,
    });
    const rows = linearGaussianRows(config, await linearGaussianTrials(config));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const p = row.p;
      const data = linearGaussian({ d: p, n, nTest, r: 1, sigma: 0.5, seed: repetitionSeed(config.seed, 0) });
      const x = data.train.x;
      const x0 = data.test.x;
      const gram = naiveMatmul(x, x, true);
      for (let j = 0; j < p; j++) gram.data[j * p + j] += n * row.lambda;
      const inverse = pseudoInverse(gram); // an inverse whenever λ > 0 or p ≤ n
      const hat = naiveMatmul(inverse, x, false, true); // p × n: β̂ = hat · y
      const sTrain = naiveMatmul(x, hat);
      const sTest = naiveMatmul(x0, hat);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += sTrain.data[i * n + i];
      const pTest = (n / nTest) * sTest.data.reduce((a, v) => a + v * v, 0);
      expect(Math.abs(row.effectiveTrain - trace) / trace, `p = ${p}, λ = ${row.lambda}`).toBeLessThan(1e-8);
      expect(Math.abs(row.effectiveTest - pTest) / pTest, `p = ${p}, λ = ${row.lambda}`).toBeLessThan(1e-8);
      // Min-norm least squares is a projection of rank min(p, n).
      if (row.lambda === 0) expect(row.effectiveTrain).toBeCloseTo(Math.min(p, n), 8);
    }
  });

  it('has no effective-parameter columns unless asked for', async () => {
    const config = linearGaussianPreset.resolve({ n: 30, nTest: 20, p: [10], ridges: [0], seeds: 1 });
    const [row] = linearGaussianRows(config, await linearGaussianTrials(config));
    expect(row.effectiveTest).toBeUndefined();
  });
});

describe('rf-relu-gaussian preset', () => {
  it('resolves defaults and rejects bad fields by name', () => {
    const c = rfReluGaussianPreset.resolve({});
    expect(c.features.includes(c.n)).toBe(false);
    expect(c.features.some((N) => N < c.n) && c.features.some((N) => N > c.n)).toBe(true);
    expect(() => rfReluGaussianPreset.resolve({ n: 300, features: [100, 300] })).toThrow(
      /features\[1\] = 300 equals n: the theory's risk is infinite/,
    );
    expect(() => rfReluGaussianPreset.resolve({ d: 0 })).toThrow(/^d must be a positive integer/);
    expect(() => rfReluGaussianPreset.resolve({ noise: -1 })).toThrow(/^noise must be a number/);
    expect(() => rfReluGaussianPreset.resolve({ features: 'all' as never })).toThrow(/^features must be/);
    expect(() => rfReluGaussianPreset.resolve({ kind: 'rff' } as never)).toThrow(
      /unknown config field 'kind'/,
    );
  });

  it('is deterministic for a seed', async () => {
    const c = rfReluGaussianPreset.resolve({ d: 10, n: 30, nTest: 50, features: [5, 60], seeds: 2 });
    const a = await rfReluGaussianPreset.run(c, noContext);
    const b = await rfReluGaussianPreset.run(c, noContext);
    expect(a.points).toEqual(b.points);
    expect(rfReluGaussianPreset.summarizeRows!(c, a.points).summaryLines).toEqual(a.summaryLines);
    expect(rfReluGaussianPreset.estimateBytes!(c)).toBeGreaterThan(5e8);
  });

  it('matches Mei–Montanari at d = 100 within 4 se plus the finite-d bias', async () => {
    // Finite-d allowance 8%: at d = 100 the measured bias of the mean (numpy and ddlab, 10–40
    // seeds) is up to +6% at ψ1 ≥ 6 and −3% below the threshold; it shrinks to ≈ 1–4% at d = 200
    // and ≈ 1% at d = 400.
    const config = rfReluGaussianPreset.resolve({
      d: 100,
      n: 300,
      nTest: 1000,
      features: [30, 150, 600, 1500],
      seeds: 12,
    });
    const rows = rfReluGaussianRows(config, await rfReluGaussianTrials(config));
    for (const r of rows) {
      const tol = 4 * se(r, config.seeds) + 0.08 * r.theory;
      expect(Math.abs(r.riskMean - r.theory), `ψ1 = ${r.psi1}`).toBeLessThan(tol);
    }
  });

  describe('d = 200 (ψ2 = 3, 12 seeds)', () => {
    let config: RfReluGaussianConfig;
    let result: PresetResult;
    beforeAll(async () => {
      config = rfReluGaussianPreset.resolve({
        d: 200,
        n: 600,
        nTest: 1000,
        features: [100, 300, 540, 660, 1200, 3000],
        seeds: 12,
      });
      result = await rfReluGaussianPreset.run(config, noContext);
    });

    it('agrees within a few percent away from the threshold and peaks next to it', () => {
      // Away from N = n (N/n ≤ 1/2 or ≥ 2): the mean within 4 se plus a 6% finite-d allowance (the
      // measured bias at d = 200 grows with ψ1: ≈ 1–3% for ψ1 ≤ 6, +4–6% at ψ1 = 15–20 with 16–40
      // seeds, ≈ 1% at d = 400); for ψ1 ≤ 6 the median is within 5%.
      const away = result.points.filter((r) => r.features / config.n <= 0.5 || r.features / config.n >= 2);
      expect(away).toHaveLength(4);
      for (const r of away) {
        const tol = 4 * se(r, config.seeds) + 0.06 * r.theory;
        expect(Math.abs(r.riskMean - r.theory), `ψ1 = ${r.psi1}`).toBeLessThan(tol);
        if (r.psi1 <= 6) expect(relErr(r.riskMedian, r.theory), `ψ1 = ${r.psi1}`).toBeLessThan(0.05);
      }
      const peak = result.points.reduce((a, b) => (b.riskMedian > a.riskMedian ? b : a));
      expect([540, 660]).toContain(peak.features);
      expect(result.summaryLines.join('\n')).toMatch(/interpolation threshold\s+N = n = 600/);
    });

    it('figure: compiles without warnings and draws the points, the band and the theory line', async () => {
      await expectCleanFigure(
        'rf-relu-gaussian',
        config,
        result,
        'ψ1 = N/d (random features per input dimension)',
      );
    });
  });
});

describe('linear-gaussian figure', () => {
  it('compiles without warnings and draws the points, the band and the theory lines', async () => {
    const config = linearGaussianPreset.resolve({ n: 40, nTest: 20, p: [10, 30, 60, 120], seeds: 3 });
    const result = await linearGaussianPreset.run(config, noContext);
    await expectCleanFigure('linear-gaussian', config, result, 'γ = p/n (parameters per training point)');
  });
});

async function expectCleanFigure(name: string, config: object, result: PresetResult, xTitle: string) {
  const spec = theoryFigures[name](config as Record<string, unknown>, result);
  const { messages } = compileVegaLite(spec);
  expect(messages).toEqual([]);
  const svg = await renderSvg(spec);
  expect(svg).toContain(`>${xTitle}<`);
  const symbols = [...svg.matchAll(/<g class="mark-symbol role-mark[^>]*>(.*?)<\/g>/g)];
  expect(symbols).toHaveLength(1);
  expect(symbols[0][1].split('<path').length - 1).toBe(result.points.length);
  expect(svg).toMatch(/class="mark-area role-mark/);
  expect(svg).toMatch(/class="mark-line role-mark/);
  expect(svg.match(/class="mark-rule role-mark/g)).toHaveLength(1);
  // The preset's own rows stay clean (no series labels added in place).
  expect(Object.values(result.points[0]).every((v) => typeof v === 'number')).toBe(true);
}
