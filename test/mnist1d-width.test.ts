// udlbook's MNIST-1D width sweep (mnist1d-width): the medians and quartiles over seeds, the headline
// numbers, the stacked per-width training behind them, and the preset end to end on a tiny config.
import { describe, expect, it } from 'vitest';
import { mnist1dWidthPreset, UDLBOOK_WIDTHS, widthLanes } from '../src/experiments/networks/mnist1d-width.js';
import { seedMedianRows } from '../src/experiments/networks/width-curve.js';
import { summarizeMnist1dWidths } from '../src/experiments/networks/mnist1d-width-summary.js';
import type { WidthRun } from '../src/experiments/networks/width-sweep.js';
import type { EpochRecord } from '../src/fit/train/trainer.js';
import type { Row } from '../src/experiments/preset.js';
import { figureFor } from '../src/report/figures.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { compileVegaLite } from './helpers.js';
import { partsInThisProcess } from './width-parts.js';

const record = (epoch: number, testError: number, trainError: number): EpochRecord => ({
  epoch,
  step: epoch * 10,
  trainLoss: trainError + 0.1,
  trainError,
  testLoss: testError + 1,
  testError,
  paramNorm: 3,
});

describe('mnist1d-width rows: medians and quartiles over seeds', () => {
  it('one row per width with the median of each metric and its type-7 quartiles', () => {
    // Width 8, seeds 1–3: final test errors 0.5, 0.9, 0.6 → median 0.6, q1 0.55, q3 0.75. The
    // early-stopped errors are each run's lowest: 0.4, 0.9, 0.6 → median 0.6, q1 0.5, q3 0.75.
    const runs: WidthRun[] = [
      { width: 8, parameters: 500, seed: 1, records: [record(50, 0.4, 0.3), record(100, 0.5, 0.2)] },
      { width: 8, parameters: 500, seed: 2, records: [record(50, 0.95, 0.3), record(100, 0.9, 0.1)] },
      { width: 8, parameters: 500, seed: 3, records: [record(50, 0.7, 0.3), record(100, 0.6, 0)] },
      { width: 2, parameters: 100, seed: 1, records: [record(100, 0.8, 0.7)] },
    ];
    const rows = seedMedianRows(runs);
    expect(rows.map((r) => [r.width, r.parameters, r.seeds])).toEqual([
      [2, 100, 1],
      [8, 500, 3],
    ]);
    const w8 = rows[1];
    expect([w8.testError, w8.testError_q1, w8.testError_q3]).toEqual(
      [0.6, 0.55, 0.75].map((v) => expect.closeTo(v, 12)),
    );
    expect([w8.bestTestError, w8.bestTestError_q1, w8.bestTestError_q3]).toEqual(
      [0.6, 0.5, 0.75].map((v) => expect.closeTo(v, 12)),
    );
    expect([w8.trainError, w8.trainError_q1, w8.trainError_q3]).toEqual(
      [0.1, 0.05, 0.15].map((v) => expect.closeTo(v, 12)),
    );
    expect(w8.bestEpoch).toBe(100);
    // One seed: the quartiles are the value itself.
    expect([rows[0].testError, rows[0].testError_q1, rows[0].testError_q3]).toEqual([0.8, 0.8, 0.8]);
  });
});

/** Rows of (width, median train error, median test error, test-error IQR). */
const rowsOf = (spec: [number, number, number, number][]): Row[] =>
  spec.map(([width, trainError, testError, iqr]) => ({
    width,
    trainError,
    testError,
    testError_q1: testError - iqr / 2,
    testError_q3: testError + iqr / 2,
  }));

describe('mnist1d-width summary', () => {
  it('interpolation at the first median train error of exactly 0; the minimum before it, the peak after, rises in IQRs', () => {
    const s = summarizeMnist1dWidths(
      rowsOf([
        [400, 0, 0.45, 0.01],
        [2, 0.6, 0.7, 0.02],
        [8, 0.3, 0.48, 0.01],
        [30, 0.001, 0.52, 0.02],
        [40, 0, 0.57, 0.02],
        [45, 0, 0.56, 0.04],
        [100, 0, 0.5, 0.01],
      ]),
    );
    // 0.001 is not 0: width 30 still misfits a label; 40 is the first to fit them all.
    expect(s.interpolationWidth).toBe(40);
    expect(s.classicalMinimum).toEqual({ width: 8, testError: 0.48, iqr: expect.closeTo(0.01) });
    expect(s.peak).toEqual({ width: 40, testError: 0.57, iqr: expect.closeTo(0.02) });
    expect(s.widest.width).toBe(400);
    expect(s.peakAboveMinimum).toBeCloseTo(0.09);
    expect(s.peakAboveWidest).toBeCloseTo(0.12);
    // In units of the larger IQR of the two widths compared: 0.02 both times.
    expect(s.peakAboveMinimumIqrs).toBeCloseTo(4.5);
    expect(s.peakAboveWidestIqrs).toBeCloseTo(6);
  });

  it('no width interpolating: the whole curve is the classical regime; zero IQRs give null, not Infinity', () => {
    const s = summarizeMnist1dWidths(
      rowsOf([
        [2, 0.6, 0.7, 0],
        [4, 0.5, 0.6, 0],
        [8, 0.4, 0.65, 0],
      ]),
    );
    expect(s.interpolationWidth).toBeNull();
    expect(s.classicalMinimum.width).toBe(4);
    expect(s.peak.width).toBe(8);
    expect(s.peakAboveMinimumIqrs).toBeNull();
    expect(s.peakAboveWidest).toBe(0);
  });
});

describe('mnist1d-width preset', () => {
  it("defaults are udlbook's setup", () => {
    const c = mnist1dWidthPreset.resolve({});
    expect(c).toMatchObject({
      dataset: 'mnist1d:samples=8000,split=0.5',
      n: 4000,
      nTest: 4000,
      labelNoise: 0.135,
      depth: 2,
      epochs: 1000,
      batchSize: 100,
      optimizer: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      init: 'kaiming-uniform',
      loss: 'cross-entropy',
      seeds: 3,
    });
    expect(c.widths).toEqual(UDLBOOK_WIDTHS);
    expect(UDLBOOK_WIDTHS).toHaveLength(28);
    expect(() => mnist1dWidthPreset.resolve({ seeds: 0 })).toThrow(/^seeds must be/);
  });

  it('splits the widths into lanes of about equal cost, every width exactly once', () => {
    const [a, b] = widthLanes(UDLBOOK_WIDTHS, 2);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(UDLBOOK_WIDTHS);
    // The widest goes first onto an empty lane, the next one onto the other.
    expect(a).toContain(400);
    expect(b).toContain(300);
    const cost = (ws: number[]) => ws.reduce((s, h) => s + h * h + 52 * h + 10 + 20_000, 0);
    expect(Math.abs(cost(a) - cost(b)) / (cost(a) + cost(b))).toBeLessThan(0.05);
    // More lanes than widths: one width each.
    expect(widthLanes([4, 8], 3)).toEqual([[8], [4]]);
  });

  it('split over parts (runParts, as worker threads run them) gives the same rows as one process', async () => {
    const tiny = mnist1dWidthPreset.resolve({
      dataset: 'mnist1d:samples=200,split=0.5',
      n: 100,
      nTest: 100,
      widths: [2, 4, 8],
      epochs: 2,
      evalEvery: 1,
      seeds: 2,
    });
    const whole = await mnist1dWidthPreset.run(tiny, { loadDataset: loadDatasetByName });
    const { context, partsSeen } = partsInThisProcess(mnist1dWidthPreset, 2);
    const split = await mnist1dWidthPreset.run(tiny, context);
    expect(partsSeen).toEqual([[8], [2, 4]]);
    expect(split.points).toEqual(whole.points);
  });

  it('runs end to end on a tiny configuration: rows with quartiles, series per seed, a banded figure; deterministic', async () => {
    const tiny = {
      dataset: 'mnist1d:samples=400,split=0.5',
      n: 200,
      nTest: 200,
      widths: [2, 16],
      epochs: 4,
      evalEvery: 2,
      seeds: 3,
    };
    const config = mnist1dWidthPreset.resolve(tiny);
    const result = await mnist1dWidthPreset.run(config, { loadDataset: loadDatasetByName });
    // 40-k-k-10: (40 + 1)k + (k + 1)k + (k + 1)·10 parameters.
    const count = (k: number) => 41 * k + (k + 1) * k + (k + 1) * 10;
    expect(result.points.map((r) => [r.width, r.parameters, r.seeds])).toEqual([
      [2, count(2), 3],
      [16, count(16), 3],
    ]);
    for (const r of result.points) {
      expect(r.testError_q1).toBeLessThanOrEqual(r.testError);
      expect(r.testError).toBeLessThanOrEqual(r.testError_q3);
    }
    // The three initialisations differ, so the quartiles spread.
    expect(result.points.some((r) => r.testError_q3 > r.testError_q1)).toBe(true);
    // 2 widths × 3 seeds × 2 evaluations × 5 metrics, named by width and seed.
    expect(result.series).toHaveLength(2 * 3 * 2 * 5);
    expect(result.series?.some((p) => /^testError w=16 seed=\d+$/.test(p.name))).toBe(true);
    expect(result.summaryLines.join('\n')).toMatch(/interpolation width/);
    const spec = figureFor('mnist1d-width', config, result);
    expect(JSON.stringify(spec)).toContain('"y2":{"field":"q3"}');
    compileVegaLite(spec);
    const again = await mnist1dWidthPreset.run(config, { loadDataset: loadDatasetByName });
    expect(again.points).toEqual(result.points);
  });
});
