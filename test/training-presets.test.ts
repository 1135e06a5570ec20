// The neural-network presets on tiny configurations: rows, series, summaries, figures, determinism.
import { describe, expect, it } from 'vitest';
import { estimateEmc, regimeOf } from '../src/experiments/networks/emc.js';
import { summarizeWidths } from '../src/experiments/networks/width-curve.js';
import { grownNetwork } from '../src/experiments/networks/width-sweep.js';
import type { Config, PresetResult, Row } from '../src/experiments/preset.js';
import { presetNamed } from '../src/experiments/presets.js';
import { markMoreDataHurts } from '../src/experiments/networks/samplewise.js';
import { figureFor } from '../src/report/figures.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { compileVegaLite } from './helpers.js';
import { partsInThisProcess } from './width-parts.js';

async function run(name: string, config: Config): Promise<{ config: Config; result: PresetResult }> {
  const preset = presetNamed(name);
  const resolved = preset.resolve(config);
  return { config: resolved, result: await preset.run(resolved, { loadDataset: loadDatasetByName }) };
}

const TINY = { n: 200, nTest: 300, epochs: 4, evalEvery: 2, batchSize: 50, lr: 0.003 };

describe('mlp-width', () => {
  it('one row per width with final and early-stopped numbers, series per epoch, a figure; deterministic', async () => {
    const { config, result } = await run('mlp-width', { ...TINY, widths: [2, 16, 64] });
    expect(result.points.map((r) => r.width)).toEqual([2, 16, 64]);
    // (784 + 1)·k + (k + 1)·10 parameters.
    expect(result.points.map((r) => r.parameters)).toEqual([2 * 795 + 10, 16 * 795 + 10, 64 * 795 + 10]);
    for (const r of result.points) {
      expect(r.bestTestError).toBeLessThanOrEqual(r.testError);
      expect([2, 4]).toContain(r.bestEpoch);
    }
    expect(result.series).toHaveLength(3 * 2 * 5);
    expect(result.summary.thresholdWidth).toBeCloseTo((200 * 10 - 10) / 795, 10);
    compileVegaLite(figureFor('mlp-width', config, result));
    const again = await run('mlp-width', { ...TINY, widths: [2, 16, 64] });
    expect(again.result.points).toEqual(result.points);
  });

  it('split over parts (runParts, one lane per core) gives the rows of one process, to f32 rounding', async () => {
    const preset = presetNamed('mlp-width');
    const config = preset.resolve({ ...TINY, widths: [2, 16, 64, 8] });
    const whole = await preset.run(config, { loadDataset: loadDatasetByName });
    const { context, partsSeen } = partsInThisProcess(preset, 2);
    const split = await preset.run(config, context);
    // By parameter count, the largest first onto the lighter lane: 64 alone, the rest together.
    expect(partsSeen).toEqual([[64], [2, 8, 16]]);
    // Other ensembles, other GEMM shapes: the golden record's tolerance for f32 networks (1e-5
    // relative or 1e-6 absolute, test/preset-golden.test.ts); the error rates are counts over 200 or
    // 300 points, so one flipped prediction fails it.
    expect(split.points.map((r) => r.width)).toEqual(whole.points.map((r) => r.width));
    split.points.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) {
        const diff = Math.abs(v - whole.points[i][k]);
        expect(diff <= 1e-6 || diff <= 1e-5 * Math.abs(whole.points[i][k]), `${k}: ${v}`).toBe(true);
      }
    });
  });

  it('the CNN family trains end to end on MNIST images (28 → 14 → 7 → global pooling)', async () => {
    const { result } = await run('mlp-width', {
      ...TINY,
      n: 64,
      nTest: 64,
      epochs: 1,
      evalEvery: 1,
      family: 'cnn',
      widths: [1, 2],
    });
    // Conv 3×3 layers k, 2k, 4k, 8k with biases, and the 8k → 10 head.
    const count = (k: number) =>
      9 * (1 * k + k * 2 * k + 2 * k * 4 * k + 4 * k * 8 * k) + 15 * k + 8 * k * 10 + 10;
    expect(result.points.map((r) => r.parameters)).toEqual([count(1), count(2)]);
    for (const r of result.points) expect(r.testError).toBeLessThan(1);
    // n·K parameters has no width formula for the CNN: no threshold in the summary or its lines.
    expect(result.summary.thresholdWidth).toBeNull();
    expect(result.summaryLines.join('\n')).not.toMatch(/threshold/);
  });

  it('the summary finds the classical minimum, the peak after it and the early-stopped bump', () => {
    const rows: Row[] = [
      [1, 0.7, 0.7, 0.7],
      [4, 0.3, 0.25, 0.25],
      [8, 0.12, 0.2, 0.15],
      [16, 0.0, 0.3, 0.14],
      [64, 0.0, 0.2, 0.13],
      [256, 0.0, 0.15, 0.12],
    ].map(([width, trainError, testError, bestTestError]) => ({
      width,
      parameters: 795 * width + 10,
      trainError,
      testError,
      bestTestError,
    }));
    const s = summarizeWidths(presetNamed('mlp-width').resolve({ n: 400 }) as never, rows);
    expect(s.interpolationWidth).toBe(16);
    expect(s.classicalMinimum).toEqual({ width: 8, testError: 0.2 });
    expect(s.peak.width).toBe(16);
    expect(s.peakAboveClassical).toBeCloseTo(0.1, 12);
    expect(s.peakAboveWider).toBeCloseTo(0.15, 12);
    expect(s.earlyStoppedBump).toBe(0);
    expect(s.thresholdWidth).toBeCloseTo((4000 - 10) / 795, 10);
  });
});

describe('epochwise and the width × epoch heatmap', () => {
  it('rows per (width, epoch), and figures', async () => {
    for (const name of ['epochwise', 'width-epoch-heatmap']) {
      const { config, result } = await run(name, { ...TINY, widths: [4, 32] });
      expect(result.points.map((r) => [r.width, r.epoch])).toEqual([
        [4, 2],
        [4, 4],
        [32, 2],
        [32, 4],
      ]);
      expect(result.summaryLines.length).toBeGreaterThan(0);
      compileVegaLite(figureFor(name, config, result));
    }
  });
});

describe('epochwise with probes', () => {
  it('carries the probe columns in its rows, as mlp-width does', async () => {
    const { result } = await run('epochwise', { ...TINY, widths: [4], probes: ['rig'] });
    for (const r of result.points) {
      expect(r.rig).toBeGreaterThan(0);
      expect(r.rigMinibatch).toBeGreaterThan(0);
    }
  });
});

describe('samplewise', () => {
  it('marks exactly the widths where the larger n has the higher test error', async () => {
    const { n: _n, ...tiny } = TINY;
    const { config, result } = await run('samplewise', { ...tiny, sizes: [100, 200], widths: [2, 8, 32] });
    expect(result.points).toHaveLength(6);
    for (const r of result.points.filter((p) => p.n === 200)) {
      const small = result.points.find((p) => p.n === 100 && p.width === r.width) as Row;
      expect(r.moreDataHurts).toBe(r.testError > small.testError ? 1 : 0);
    }
    compileVegaLite(figureFor('samplewise', config, result));
    const marked = markMoreDataHurts([
      { n: 1, width: 3, testError: 0.2 },
      { n: 2, width: 3, testError: 0.3 },
      { n: 2, width: 5, testError: 0.1 },
    ]);
    expect(marked.map((r) => r.moreDataHurts)).toEqual([0, 1, 0]);
  });

  it('needs two sizes', () => {
    expect(() => presetNamed('samplewise').resolve({ sizes: [100] })).toThrow(/sizes must list at least two/);
  });
});

describe('effective model complexity', () => {
  it('interpolates the crossing of ε in log n, and reports bounds off the grid', () => {
    const sizes = [100, 200, 400, 800];
    // ε = 0.1 crossed halfway (in error) between 200 and 400: at n = 200·√2.
    expect(estimateEmc(sizes, [0, 0.05, 0.15, 0.3], 0.1).emc).toBeCloseTo(200 * Math.SQRT2, 9);
    expect(estimateEmc(sizes, [0.2, 0.3, 0.4, 0.5], 0.1)).toEqual({ emc: 100, bound: 'below-grid' });
    expect(estimateEmc(sizes, [0, 0, 0.01, 0.05], 0.1)).toEqual({ emc: 800, bound: 'above-grid' });
    expect(regimeOf(100, 400, 1.5)).toBe('under-parameterized');
    expect(regimeOf(350, 400, 1.5)).toBe('critical');
    expect(regimeOf(700, 400, 1.5)).toBe('over-parameterized');
    // Off the grid EMC is only bounded: a regime only where the bound settles it.
    expect(regimeOf(100, 400, 1.5, 'below-grid')).toBe('under-parameterized');
    expect(regimeOf(300, 400, 1.5, 'below-grid')).toBe('undetermined');
    expect(regimeOf(800, 400, 1.5, 'above-grid')).toBe('over-parameterized');
    expect(regimeOf(500, 400, 1.5, 'above-grid')).toBe('undetermined');
  });

  it('a wider network has the larger EMC', async () => {
    const { config, result } = await run('emc', {
      ...TINY,
      n: 100,
      sizes: [50, 100, 200],
      widths: [1, 128],
      epochs: 40,
      evalEvery: 40,
      inits: 2,
      lr: 0.01,
    });
    const widths = result.summary.widths as { width: number; emc: number }[];
    expect(widths[1].emc).toBeGreaterThan(widths[0].emc);
    compileVegaLite(figureFor('emc', config, result));
  });
});

describe("Belkin's weight reuse", () => {
  it('a grown network keeps the trained units and draws the new ones from N(0, 0.01)', () => {
    const input = { dim: 300, classes: 10 };
    const data = {
      xTrain: new Float32Array(0),
      labelsTrain: new Uint8Array(0),
      xTest: new Float32Array(0),
      labelsTest: new Uint8Array(0),
      input,
    };
    const narrow = {
      w: [
        Float64Array.from({ length: 300 * 2 }, (_, i) => i + 1),
        Float64Array.from({ length: 2 * 10 }, (_, i) => -i - 1),
      ],
      b: [Float64Array.of(5, 6), Float64Array.from({ length: 10 }, (_, i) => i / 10)],
    };
    const grown = grownNetwork(narrow, { shape: { family: 'mlp', widths: [40] }, seed: 3, lr: 0.1 }, data);
    const fresh: number[] = [];
    for (let i = 0; i < 300; i++)
      for (let j = 0; j < 40; j++) {
        const v = grown.w[0][i * 40 + j];
        if (j < 2) expect(v).toBe(narrow.w[0][i * 2 + j]);
        else fresh.push(v);
      }
    for (let j = 0; j < 2; j++)
      for (let c = 0; c < 10; c++) expect(grown.w[1][j * 10 + c]).toBe(narrow.w[1][j * 10 + c]);
    expect([...grown.b[0]]).toEqual([5, 6, ...Array(38).fill(0)]);
    expect([...grown.b[1]]).toEqual([...narrow.b[1]]);
    // 11 400 draws: the sample variance is within 3% of 0.01 (its standard error is 1.3%).
    const variance = fresh.reduce((a, v) => a + v * v, 0) / fresh.length;
    expect(variance).toBeGreaterThan(0.0097);
    expect(variance).toBeLessThan(0.0103);
  });

  it('mlp-width with reuse trains the widths below the threshold one from another', async () => {
    const plain = await run('mlp-width', { ...TINY, widths: [1, 2, 16] });
    const reused = await run('mlp-width', { ...TINY, widths: [1, 2, 16], reuse: true });
    // Width 1 starts the same way (alone instead of in the ensemble: equal up to f32 rounding);
    // width 2 (below n·K = 2000 parameters) starts from width 1; 16 is above.
    expect(reused.result.points[0].testLoss).toBeCloseTo(plain.result.points[0].testLoss, 5);
    expect(reused.result.points[1].testLoss).not.toBe(plain.result.points[1].testLoss);
    expect(reused.result.points[2].testLoss).toBeCloseTo(plain.result.points[2].testLoss, 5);
    expect(() => presetNamed('mlp-width').resolve({ reuse: true, depth: 2 })).toThrow(
      /reuse .* needs family 'mlp' with depth 1/,
    );
  });
});

describe('IGR probes in any training run', () => {
  it("probes: ['rig', 'sharpness'] logs R_IG, its minibatch estimate and the sharpness at every evaluation", async () => {
    const { result } = await run('mlp-width', { ...TINY, widths: [4, 16], probes: ['rig', 'sharpness'] });
    for (const r of result.points) {
      expect(r.rig).toBeGreaterThan(0);
      expect(r.rigMinibatch).toBeGreaterThanOrEqual(r.rig * 0.999);
      expect(r.sharpness).toBeGreaterThan(0);
    }
    const names = new Set(result.series?.map((s) => s.name));
    for (const n of ['rig w=4', 'rigMinibatch w=16', 'sharpness w=16']) expect(names.has(n)).toBe(true);
    expect(() => presetNamed('mlp-width').resolve({ probes: ['hessian'] })).toThrow(
      /probes\[0\] must be one of rig, sharpness/,
    );
  });
});

describe('progress', () => {
  async function progress(name: string, config: Config): Promise<[number, number][]> {
    const preset = presetNamed(name);
    const calls: [number, number][] = [];
    await preset.run(preset.resolve(config), {
      loadDataset: loadDatasetByName,
      onProgress: (done, total) => calls.push([done, total]),
    });
    return calls;
  }

  it('counts each group of widths once: done never passes total and reaches it exactly at the end', async () => {
    // 3 epochs, evaluated at 2 and 3: each group (one CNN width; one grown width) reports twice.
    const cnn = { ...TINY, n: 64, nTest: 64, epochs: 3, evalEvery: 2, family: 'cnn', widths: [1, 2] };
    expect(await progress('mlp-width', cnn)).toEqual([2, 3, 5, 6].map((d) => [d, 6]));
    // Widths 1 and 2 (below n·K = 2000 parameters) grow one from the other; 16 trains alone.
    const reuse = { ...TINY, epochs: 3, evalEvery: 2, widths: [1, 2, 16], reuse: true };
    expect(await progress('mlp-width', reuse)).toEqual([2, 3, 5, 6, 8, 9].map((d) => [d, 9]));
  });

  it('samplewise with reuse: a different number of groups per size still ends at exactly total', async () => {
    const { n: _n, ...tiny } = TINY;
    const calls = await progress('samplewise', {
      ...tiny,
      epochs: 3,
      evalEvery: 2,
      sizes: [100, 200],
      widths: [1, 2, 16],
      reuse: true,
    });
    const total = 2 * 3;
    expect(calls.every(([, t]) => t === total)).toBe(true);
    calls.forEach(([d], i) => expect(d).toBeGreaterThanOrEqual(i > 0 ? calls[i - 1][0] : 0));
    expect(Math.max(...calls.map(([d]) => d))).toBe(total);
    expect(calls[calls.length - 1][0]).toBe(total);
  });
});
