// belkin-mlp (Belkin et al. 2018, Fig. 4) on a tiny configuration: which widths are trained with and
// without weight reuse, that reuse changes the networks below the threshold and nothing beyond it,
// and the summary's threshold and effect sizes.
import { describe, expect, it } from 'vitest';
import {
  belkinMlpPreset,
  classesFromRows,
  summarizeBelkin,
  variantCurve,
} from '../src/experiments/networks/belkin-mlp.js';
import { effectInSpreadUnits, interquartileRange } from '../src/experiments/common/seed-spread.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import type { Row } from '../src/experiments/preset.js';

// n = 200 on MNIST: the threshold n·K is 2000 parameters; widths 1 and 2 (795·H + 10 = 805, 1600
// parameters) lie below it, 4 and 16 beyond.
const TINY = { n: 200, nTest: 200, widths: [1, 2, 4, 16], epochs: 3, evalEvery: 1, batchSize: 50 };

describe('belkin-mlp', () => {
  it('trains the widths below n·K twice (with and without reuse) and those beyond once', async () => {
    const config = belkinMlpPreset.resolve(TINY);
    const result = await belkinMlpPreset.run(config, { loadDataset: loadDatasetByName });
    const keys = result.points.map((r) => `${r.width}/${r.reuse}`);
    expect(keys).toEqual(['1/0', '1/1', '2/0', '2/1', '4/0', '16/0']);
    expect(result.points.map((r) => r.parameters)).toEqual([805, 805, 1600, 1600, 3190, 12730]);

    const at = (width: number, reuse: number) =>
      result.points.find((r) => r.width === width && r.reuse === reuse) as Row;
    const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    // The narrowest network has nothing to grow from: both variants are the same network (trained
    // alone in one, beside width 2 in the other: equal up to f32 rounding).
    expect(relative(at(1, 1).testLoss, at(1, 0).testLoss)).toBeLessThan(1e-5);
    // Width 2 grows from the trained width 1 with reuse, and starts afresh without: a difference far
    // beyond that rounding (three epochs at lr 0.01 move the squared loss little, ~1e-3 here).
    expect(relative(at(2, 1).trainLoss, at(2, 0).trainLoss)).toBeGreaterThan(1e-4);

    // Each variant's curve: its own rows below the threshold, the shared ones beyond.
    expect(variantCurve(result.points, true, 2000).map((r) => `${r.width}/${r.reuse}`)).toEqual([
      '1/1',
      '2/1',
      '4/0',
      '16/0',
    ]);
    expect(variantCurve(result.points, false, 2000).map((r) => `${r.width}/${r.reuse}`)).toEqual([
      '1/0',
      '2/0',
      '4/0',
      '16/0',
    ]);
    expect(result.summary.thresholdParameters).toBe(2000);
    expect(result.summaryLines.join('\n')).toMatch(/threshold n·K\s+2\.0·10³ parameters/);
    // One run: no seed spread, so no effect is stated in IQR units.
    expect(result.summaryLines.join('\n')).not.toMatch(/IQR/);
  });

  it('has no family, depth or reuse field: the network is always one hidden layer, both ways', () => {
    expect(() => belkinMlpPreset.resolve({ reuse: true })).toThrow(/unknown config field 'reuse'/);
    expect(() => belkinMlpPreset.resolve({ depth: 2 })).toThrow(/unknown config field 'depth'/);
  });

  it('reads K from the parameter counts, (d + 1 + K)·H + K', () => {
    const rows = [3, 7].map((h) => ({ width: h, parameters: (40 + 1 + 4) * h + 4 }));
    expect(classesFromRows(rows)).toBe(4);
  });

  it('states the peak in units of the seed spread when the rows are medians over seeds', () => {
    // Medians with quartiles, as src/sweep/aggregate.ts flattens them.
    const row = (width: number, reuse: number, testError: number, iqr: number): Row => ({
      width,
      reuse,
      parameters: 795 * width + 10,
      testError,
      testError_q1: testError - iqr / 2,
      testError_q3: testError + iqr / 2,
      testLoss: testError,
      testLoss_q1: testError,
      testLoss_q3: testError,
      trainError: 0,
    });
    const rows = [
      row(10, 0, 0.1, 0.01),
      row(10, 1, 0.1, 0.01),
      row(50, 0, 0.2, 0.02),
      row(500, 0, 0.05, 0.01),
    ];
    const { summaryLines } = summarizeBelkin({ n: 4000 }, rows);
    // Peak 0.2 over the minimum 0.1: 0.1 / max(0.01, 0.02) = 5 IQR; over the widest 0.15 / 0.02 = 7.5.
    expect(summaryLines.join('\n')).toContain(
      '+10.00% (5.0 IQR) over the minimum, +15.00% (7.5 IQR) over the widest',
    );
  });
});

describe('seed spread', () => {
  it('is the IQR behind an aggregated row, and undefined for a single run', () => {
    expect(interquartileRange({ e: 0.3, e_q1: 0.25, e_q3: 0.4 }, 'e')).toBeCloseTo(0.15, 15);
    expect(interquartileRange({ e: 0.3 }, 'e')).toBeUndefined();
  });

  it('measures an effect in the larger of the two IQRs; identical seeds give ±Infinity or 0', () => {
    const a = { e: 0.1, e_q1: 0.09, e_q3: 0.11 };
    const b = { e: 0.4, e_q1: 0.35, e_q3: 0.45 };
    expect(effectInSpreadUnits(a, b, 'e')).toBeCloseTo(3, 12);
    expect(effectInSpreadUnits(b, a, 'e')).toBeCloseTo(-3, 12);
    const flat = { e: 0.1, e_q1: 0.1, e_q3: 0.1 };
    expect(effectInSpreadUnits(flat, { e: 0.2, e_q1: 0.2, e_q3: 0.2 }, 'e')).toBe(Infinity);
    expect(effectInSpreadUnits(flat, flat, 'e')).toBe(0);
    expect(effectInSpreadUnits({ e: 0.1 }, b, 'e')).toBeUndefined();
  });
});
