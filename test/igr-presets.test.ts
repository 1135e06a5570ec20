// The IGR presets on tiny configurations, and the rank correlation they report.
import { describe, expect, it } from 'vitest';
import type { Config, PresetResult } from '../src/experiments/preset.js';
import { presetNamed } from '../src/experiments/presets.js';
import { rankCorrelation, ranks } from '../src/experiments/common/rank-correlation.js';
import { figureFor } from '../src/report/figures.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { compileVegaLite } from './helpers.js';

async function run(name: string, config: Config): Promise<{ config: Config; result: PresetResult }> {
  const preset = presetNamed(name);
  const resolved = preset.resolve(config);
  return { config: resolved, result: await preset.run(resolved, { loadDataset: loadDatasetByName }) };
}

describe('rank correlation', () => {
  it("is Spearman's ρ: ties share their mean rank; ±1 for monotone relations", () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(rankCorrelation([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 15);
    expect(rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
    // ρ = 1 − 6Σd²/(n(n²−1)) without ties: ranks (1,2,3,4,5) vs (2,1,4,3,5) → Σd² = 4 → 0.8.
    expect(rankCorrelation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 15);
  });
});

describe('igr-lr', () => {
  it('one row per mode and learning rate, with λ = hm/4, the probes and the correlation table', async () => {
    const { config, result } = await run('igr-lr', {
      dataset: 'mnist',
      n: 64,
      nTest: 100,
      width: 16,
      lrs: [0.05, 0.2],
      maxGdSteps: 20,
      maxSgdEpochs: 4,
      sgdBatch: 16,
      evalEvery: 2,
      sharpnessIterations: 3,
    });
    const m = 785 * 16 + 17 * 10;
    expect(result.points.map((r) => [r.mode, r.lr, r.batchSize])).toEqual([
      [0, 0.05, 64],
      [0, 0.2, 64],
      [1, 0.05, 16],
      [1, 0.2, 16],
    ]);
    for (const r of result.points) {
      expect(r.lambda).toBeCloseTo((r.lr * m) / 4, 9);
      expect(r.rig).toBeGreaterThan(0);
      expect(r.sharpness).toBeGreaterThan(0);
    }
    // A frozen member stops: the GD members each ran at most maxGdSteps steps.
    expect(Math.max(...result.points.filter((r) => r.mode === 0).map((r) => r.steps))).toBeLessThanOrEqual(
      20,
    );
    expect(result.summaryLines.join('\n')).toMatch(/rank corr\. rig ~ testAccuracy/);
    compileVegaLite(figureFor('igr-lr', config, result));
  });

  it('stops each run at the first epoch whose training loss reaches the target, whatever evalEvery', async () => {
    // evalEvery 1 checks the loss after every epoch (the ground truth of where a run should stop);
    // with evalEvery 25 the rows must be the same, not rounded up to the next evaluation.
    const config = {
      dataset: 'mnist',
      n: 64,
      nTest: 100,
      width: 16,
      lrs: [0.1, 0.3],
      maxGdSteps: 100,
      maxSgdEpochs: 30,
      sgdBatch: 16,
      targetLoss: 0.3,
      sharpnessIterations: 3,
    };
    const every = await run('igr-lr', { ...config, evalEvery: 1 });
    const sparse = await run('igr-lr', { ...config, evalEvery: 25 });
    // Every run reached the target, at a step that is not an evaluation epoch of the sparse run.
    for (const r of every.result.points) {
      expect(r.converged).toBe(1);
      expect(r.trainLoss).toBeLessThanOrEqual(0.3);
    }
    expect(every.result.points.some((r) => (r.steps / (r.mode === 0 ? 1 : 4)) % 25 !== 0)).toBe(true);
    expect(sparse.result.points).toEqual(every.result.points);
  });

  it('rejects a learning rate ≤ 0', () => {
    expect(() => presetNamed('igr-lr').resolve({ lrs: [0.1, 0] })).toThrow(
      /lrs\[1\] must be a number in \(0, ∞\), got 0/,
    );
  });
});

describe('igr-explicit', () => {
  it('explicit rows by μ = s·m/4 and one implicit row; rejects μ < 0', async () => {
    const { config, result } = await run('igr-explicit', {
      n: 64,
      nTest: 100,
      width: 8,
      epochs: 3,
      batchSize: 16,
      strengths: [0, 0.1],
    });
    const m = 785 * 8 + 9 * 10;
    expect(result.points.map((r) => [r.kind, r.strength])).toEqual([
      [0, 0],
      [0, 0.1],
      [1, 0],
    ]);
    expect(result.points[1].mu).toBeCloseTo((0.1 * m) / 4, 9);
    // The penalty changes training (same seed, same batches otherwise).
    expect(result.points[1].trainLoss).not.toBe(result.points[0].trainLoss);
    compileVegaLite(figureFor('igr-explicit', config, result));
    expect(() => presetNamed('igr-explicit').resolve({ strengths: [-1] })).toThrow(/strengths\[0\].* got -1/);
    expect(() => presetNamed('igr-explicit').resolve({ smallLr: 0 })).toThrow(
      /smallLr must be a number in \(0, ∞\)/,
    );
  });
});
