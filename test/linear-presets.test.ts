// The linear presets epochwise-linear and samplewise-linear on tiny configurations, the two-scale
// data and the curve-shape measure they use.
import { describe, expect, it } from 'vitest';
import { twoScaleLinear } from '../src/data/two-scale-linear.js';
import { peakShape } from '../src/experiments/common/curve-shape.js';
import { presetNamed } from '../src/experiments/presets.js';
import type { Config, PresetResult } from '../src/experiments/preset.js';
import type { EpochwiseLinearSummary } from '../src/experiments/theory/epochwise-linear.js';
import type { SamplewiseLinearSummary } from '../src/experiments/theory/samplewise-linear.js';
import { figureFor } from '../src/report/figures.js';
import { finiteRidgelessRisk } from '../src/theory/isotropic-least-squares.js';
import { compileVegaLite } from './helpers.js';

describe('peakShape', () => {
  it('measures the rise and the fall after it; 0 for monotone or U-shaped curves', () => {
    expect(peakShape([5, 4, 3, 2]).height).toBe(0);
    expect(peakShape([1, 2, 3]).height).toBe(0);
    expect(peakShape([3, 1, 2, 4]).height).toBe(0); // U: no fall after the rise
    expect(peakShape([3, 4, 2]).height).toBe(1); // ∩: rises by 1, falls by 2
    expect(peakShape([5, 2, 4, 3, 1])).toEqual({ before: 1, peak: 2, after: 4, height: 2 });
    // Two bumps: the larger min(rise, fall) wins.
    expect(peakShape([4, 1, 3, 2.5, 1.5, 6, 0.5])).toEqual({ before: 1, peak: 5, after: 6, height: 5 });
  });
});

async function run(name: string, config: Config): Promise<{ config: Config; result: PresetResult }> {
  const preset = presetNamed(name);
  const resolved = preset.resolve(config);
  return {
    config: resolved,
    result: await preset.run(resolved, {
      loadDataset: () => {
        throw new Error('no data set');
      },
    }),
  };
}

describe('epochwise-linear', () => {
  const TINY = { n: 26, fast: 14, slow: 6, steps: '1:30000:25', draws: 10 };

  it('falls, rises and falls again with one step size; per-group steps remove the peak and lower the early-stopped risk', async () => {
    const { config, result } = await run('epochwise-linear', TINY);
    expect(config.slowLrFactor).toBe(400);
    const steps = config.steps as number[];
    expect(result.points).toHaveLength(2 * steps.length);
    const s = result.summary as unknown as EpochwiseLinearSummary;
    const [plain, remedy] = s.curves;
    expect(plain.doubleDescent).toBe(true);
    expect(plain.shape.before.steps).toBeLessThan(plain.shape.peak.steps);
    expect(plain.shape.peak.steps).toBeLessThan(plain.shape.after.steps);
    expect(plain.shape.relativeHeight).toBeGreaterThan(0.15);
    expect(plain.theoryShape.height).toBeGreaterThan(0.1);
    expect(remedy.doubleDescent).toBe(false);
    expect(remedy.theoryShape.height).toBeLessThan(1e-12);
    expect(s.earlyStoppedRatio).toBeLessThan(0.9);
    // Each simulated draw sits on its exact curve; the means sit near the design's expectation.
    for (const c of s.curves) {
      expect(c.simulationError).toBeLessThan(1e-10);
      expect(c.agreement?.worstZ.value).toBeLessThan(3);
    }
    expect(result.summaryLines.join('\n')).toMatch(
      /falls, rises by \d+%, falls again — epoch-wise double descent/,
    );
    expect(result.summaryLines.join('\n')).toMatch(/remedy .*% lower; peak gone/);
    compileVegaLite(figureFor('epochwise-linear', config, result));
    const again = await run('epochwise-linear', TINY);
    expect(again.result.points).toEqual(result.points);
  });

  it('without slow features there is no peak; fields are checked', async () => {
    const { result } = await run('epochwise-linear', {
      ...TINY,
      slow: 0,
      fast: 10,
      steps: [1, 10, 100, 1000],
      draws: 3,
    });
    expect((result.summary as unknown as EpochwiseLinearSummary).curves[0].doubleDescent).toBe(false);
    const resolve = (c: Config) => presetNamed('epochwise-linear').resolve(c);
    expect(() => resolve({ fast: 0, slow: 0 })).toThrow(
      /fast \+ slow must be at least 1 feature, got 0 \+ 0/,
    );
    expect(() => resolve({ lr: 2 })).toThrow(/^lr must be a number in \(0, 2\), got 2$/);
    expect(() => resolve({ slowLrFactor: 'big' })).toThrow(/slowLrFactor must be a number > 0 or 'auto'/);
    expect(() => resolve({ kappa: 0.5 })).toThrow(/^kappa must be a number in \[1, ∞\), got 0.5$/);
    expect(resolve({ kappa: 10 }).slowLrFactor).toBe(100);
    expect(resolve({ slowLrFactor: 43 }).slowLrFactor).toBe(43);
  });

  it('the two-scale data: x = Sz, y = ⟨θ, z⟩ + ε, β = S⁻¹θ; deterministic per seed', () => {
    const a = twoScaleLinear({ n: 5, fast: 2, slow: 1, kappa: 10, signal: 1, noise: 0, draws: 2, seed: 3 });
    expect(Array.from(a.scales)).toEqual([1, 1, 0.1]);
    expect(Array.from(a.testCovariance)).toEqual([1, 1, 0.1 * 0.1]);
    for (let i = 0; i < 5; i++) {
      for (let r = 0; r < 2; r++) {
        let t = 0;
        for (let j = 0; j < 3; j++) t += a.x.data[i * 3 + j] * a.betas.data[j * 2 + r];
        expect(a.y.data[i * 2 + r]).toBeCloseTo(t, 12);
      }
    }
    const b = twoScaleLinear({ n: 5, fast: 2, slow: 1, kappa: 10, signal: 1, noise: 0, draws: 2, seed: 3 });
    expect(b.y.data).toEqual(a.y.data);
  });
});

describe('samplewise-linear', () => {
  it('more data hurts below p; the means sit on the exact finite-n expectation away from n = p', async () => {
    const { config, result } = await run('samplewise-linear', {
      p: 20,
      sizes: [4, 8, 12, 14, 16, 24, 30, 40],
      noise: 0.3,
      seeds: 150,
    });
    const s = result.summary as unknown as SamplewiseLinearSummary;
    expect(result.points.map((r) => r.n)).toEqual([4, 8, 12, 14, 16, 24, 30, 40]);
    for (const r of result.points) expect(r.theory).toBe(finiteRidgelessRisk(20, r.n, { r: 1, sigma: 0.3 }));
    expect(s.moreDataHurts).toBe(true);
    expect(s.bestBelow?.n).toBeLessThan(16);
    expect(s.lastBelow?.n).toBe(16);
    expect(s.shape.peak.n).toBe(16);
    expect(s.agreement?.worstZ.value).toBeLessThan(4);
    expect(s.agreement?.rows).toBe(8); // every size is at least 0.1·p = 2 away from p
    compileVegaLite(figureFor('samplewise-linear', config, result));
  });

  it('auto sizes leave out |n − p| ≤ 1; sizes at the singular point are refused', () => {
    const resolve = (c: Config) => presetNamed('samplewise-linear').resolve(c);
    const n = resolve({}).sizes as number[];
    expect(n).toContain(50);
    expect(n).toContain(95);
    expect(n.some((v) => Math.abs(v - 100) <= 1)).toBe(false);
    expect(() => resolve({ sizes: [50, 101] })).toThrow(/sizes\[1\] = 101 is within 1 of p = 100/);
    expect(() => resolve({ p: 10, sizes: '9:11:3' })).toThrow(
      /leaves 0 size\(s\) away from p = 10; a curve needs at least 2/,
    );
  });
});
