// The modified-flow experiment: the RK4 integrator against a closed-form flow, and the orders
// O(h²) / O(h³) of Barrett & Dherin's Theorem 3.1 on their two-parameter example and a tiny MLP.
import { describe, expect, it } from 'vitest';
import { integrateFlow, logLogSlope } from '../src/fit/gradient-flow-integrator.js';
import {
  igrModifiedFlowPreset,
  stepVersusFlows,
  twoParameterModel,
} from '../src/experiments/implicit-regularization/igr-modified-flow.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';

describe('the RK4 flow integrator', () => {
  it('matches the closed-form flow exp(−At)θ₀ of a quadratic, with fourth-order convergence', async () => {
    const a = [0.5, 1, 3];
    const start = Float64Array.of(1, -2, 0.5);
    const error = async (steps: number) => {
      const end = await integrateFlow((t) => t.map((v, i) => a[i] * v), start, 1, steps);
      return Math.max(...end.map((v, i) => Math.abs(v - Math.exp(-a[i]) * start[i])));
    };
    expect(await error(1000)).toBeLessThan(1e-13);
    // Halving the substeps of an order-4 method multiplies the error by 2⁴ = 16.
    expect((await error(50)) / (await error(100))).toBeCloseTo(16, 0);
  });

  it('has converged at the default substeps: halving them moves the flows far less than the distances measured', async () => {
    const model = twoParameterModel();
    for (const h of [1e-3, 1e-1]) {
      const coarse = await stepVersusFlows(model, h, 100);
      const fine = await stepVersusFlows(model, h, 200);
      expect(Math.abs(coarse.toModifiedFlow - fine.toModifiedFlow)).toBeLessThan(1e-6 * fine.toModifiedFlow);
      expect(Math.abs(coarse.toFlow - fine.toFlow)).toBeLessThan(1e-6 * fine.toFlow);
    }
  });
});

describe('one GD step against the flows of E and of E + λR_IG', () => {
  it('two-parameter example: slopes within ±0.3 of 2 and 3', async () => {
    const hs = Array.from({ length: 9 }, (_, i) => 1e-3 * 100 ** (i / 8));
    const d = await Promise.all(hs.map((h) => stepVersusFlows(twoParameterModel(), h, 200)));
    const toFlow = logLogSlope(
      hs,
      d.map((x) => x.toFlow),
    );
    const toModified = logLogSlope(
      hs,
      d.map((x) => x.toModifiedFlow),
    );
    expect(Math.abs(toFlow - 2)).toBeLessThan(0.3);
    expect(Math.abs(toModified - 3)).toBeLessThan(0.3);
  });

  it('the preset: both models, slopes near 2 and 3, in its summary', async () => {
    const config = igrModifiedFlowPreset.resolve({ count: 5, substeps: 50 });
    const result = await igrModifiedFlowPreset.run(config, { loadDataset: loadDatasetByName });
    const slopes = result.summary.slopes as {
      model: number;
      slopeToFlow: number;
      slopeToModifiedFlow: number;
    }[];
    expect(slopes).toHaveLength(2);
    for (const s of slopes) {
      expect(Math.abs(s.slopeToFlow - 2)).toBeLessThan(0.3);
      expect(Math.abs(s.slopeToModifiedFlow - 3)).toBeLessThan(0.3);
    }
    expect(result.summaryLines.join('\n')).toMatch(/tiny MLP/);
  });

  it('rejects h ≤ 0 and an empty range', () => {
    expect(() => igrModifiedFlowPreset.resolve({ hMin: 0 })).toThrow(
      /hMin must be a number in \(0, ∞\), got 0/,
    );
    expect(() => igrModifiedFlowPreset.resolve({ hMin: 0.1, hMax: 0.01 })).toThrow(/hMax must be above hMin/);
    expect(() => igrModifiedFlowPreset.resolve({ mlpHMin: -1 })).toThrow(
      /mlpHMin must be a number in \(0, ∞\), got -1/,
    );
  });
});
