// complexity-measures: the norm-based capacity measures against naive computations (every path of a
// tiny network enumerated; spectral norms of matrices built with known singular values), the
// per-member layers cut out of an ensemble, the rank-correlation table on a synthetic case, and the
// preset end to end on a tiny configuration (its parts split across lanes or run in turn, alike).
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/random.js';
import { ensemblePlan } from '../src/fit/train/ensemble-plan.js';
import { initialParameters } from '../src/fit/train/initialize.js';
import { networkShape } from '../src/models/network.js';
import {
  memberLayers,
  pathNorm,
  spectralNorm,
  spectralNormProduct,
  type DenseLayer,
} from '../src/probes/norm-capacity.js';
import {
  correlationLines,
  measureCorrelations,
  SWEEPS,
} from '../src/experiments/complexity/measure-correlations.js';
import {
  complexityMeasuresPreset,
  complexityParts,
} from '../src/experiments/complexity/complexity-measures.js';
import type { Config, Row, RunContext } from '../src/experiments/preset.js';
import { figureFor } from '../src/report/figures.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { compileVegaLite } from './helpers.js';

function randomLayer(rows: number, cols: number, rng: Rng): DenseLayer {
  return {
    rows,
    cols,
    w: Float64Array.from({ length: rows * cols }, () => rng.normal()),
    b: Float64Array.from({ length: cols }, () => rng.normal()),
  };
}

/** Σ over every path (from an input or from a bias) of the product of its squared weights, by recursion. */
function enumeratedPathNormSquared(layers: DenseLayer[]): number {
  // Paths continuing from unit j of layer l's output to the network's outputs.
  const onward = (l: number, j: number): number => {
    if (l === layers.length - 1) return 1;
    const next = layers[l + 1];
    let s = 0;
    for (let k = 0; k < next.cols; k++) s += next.w[j * next.cols + k] ** 2 * onward(l + 1, k);
    return s;
  };
  let total = 0;
  layers.forEach((layer, l) => {
    for (let j = 0; j < layer.cols; j++) {
      // Paths entering unit j of this layer: from its bias, and (first layer) from every input.
      let entering = layer.b[j] ** 2;
      if (l === 0) for (let i = 0; i < layer.rows; i++) entering += layer.w[i * layer.cols + j] ** 2;
      total += entering * onward(l, j);
    }
  });
  return total;
}

/** A rows × cols matrix U·diag(s)·Vᵀ, U and V products of random Givens rotations (orthogonal). */
function withSingularValues(rows: number, cols: number, s: number[], rng: Rng): DenseLayer {
  const w = new Float64Array(rows * cols);
  s.forEach((v, i) => (w[i * cols + i] = v));
  const rotate = (count: number, apply: (p: number, q: number, c: number, sn: number) => void) => {
    for (let t = 0; t < 6 * count * count; t++) {
      const p = Math.floor(rng.uniform() * count);
      const q = (p + 1 + Math.floor(rng.uniform() * (count - 1))) % count;
      const angle = 2 * Math.PI * rng.uniform();
      apply(p, q, Math.cos(angle), Math.sin(angle));
    }
  };
  // Left rotations mix rows, right rotations mix columns: singular values unchanged.
  rotate(rows, (p, q, c, sn) => {
    for (let j = 0; j < cols; j++) {
      const [a, b] = [w[p * cols + j], w[q * cols + j]];
      w[p * cols + j] = c * a - sn * b;
      w[q * cols + j] = sn * a + c * b;
    }
  });
  rotate(cols, (p, q, c, sn) => {
    for (let i = 0; i < rows; i++) {
      const [a, b] = [w[i * cols + p], w[i * cols + q]];
      w[i * cols + p] = c * a - sn * b;
      w[i * cols + q] = sn * a + c * b;
    }
  });
  return { rows, cols, w, b: new Float64Array(cols) };
}

describe('norm-based capacity measures', () => {
  it('the ℓ2 path norm equals the sum over every enumerated path (biases included)', () => {
    const rng = new Rng(7, 0);
    const net = [randomLayer(4, 3, rng), randomLayer(3, 5, rng), randomLayer(5, 2, rng)];
    const expected = Math.sqrt(enumeratedPathNormSquared(net));
    expect(pathNorm(net)).toBeCloseTo(expected, 12);
    expect(Math.abs(pathNorm(net) - expected) / expected).toBeLessThan(1e-13);
  });

  it('the path norm is invariant to rescaling a ReLU unit (in by c, out by 1/c); ‖θ‖₂ is not', () => {
    const rng = new Rng(8, 0);
    const net = [randomLayer(3, 4, rng), randomLayer(4, 2, rng)];
    const c = 7.5;
    const scaled = net.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() }));
    for (let i = 0; i < 3; i++) scaled[0].w[i * 4 + 1] *= c;
    scaled[0].b[1] *= c;
    for (let k = 0; k < 2; k++) scaled[1].w[1 * 2 + k] /= c;
    const norm2 = (n: DenseLayer[]) => Math.hypot(...n.flatMap((l) => [...l.w, ...l.b]));
    expect(pathNorm(scaled)).toBeCloseTo(pathNorm(net), 12);
    expect(norm2(scaled) / norm2(net)).toBeGreaterThan(1.5);
  });

  it.each([
    [7, 5],
    [5, 7],
    [70, 65],
  ])('the spectral norm of a %i × %i matrix with known singular values', async (rows, cols) => {
    const rng = new Rng(rows * 100 + cols, 0);
    const k = Math.min(rows, cols);
    // Close top values (3.0 and 2.9) make the slow case for an iterative method.
    const s = Array.from({ length: k }, (_, i) => (i === 0 ? 3 : i === 1 ? 2.9 : 2.5 * rng.uniform()));
    const layer = withSingularValues(rows, cols, s, rng);
    // The construction kept the Frobenius norm: Σ s² (a check of the test matrix itself).
    expect(layer.w.reduce((a, x) => a + x * x, 0)).toBeCloseTo(
      s.reduce((a, x) => a + x * x, 0),
      9,
    );
    expect(Math.abs((await spectralNorm(layer)) - 3) / 3).toBeLessThan(1e-10);
  });

  it('the product of spectral norms multiplies the layers’ norms; a zero layer gives 0', async () => {
    const rng = new Rng(3, 0);
    const a = withSingularValues(6, 4, [2, 1, 0.5, 0.1], rng);
    const b = withSingularValues(4, 3, [0.7, 0.6, 0.2], rng);
    expect(await spectralNormProduct([a, b])).toBeCloseTo(1.4, 10);
    const zero = { ...b, w: new Float64Array(12) };
    expect(await spectralNormProduct([a, zero])).toBe(0);
  });

  it('rejects layers that do not chain', () => {
    const rng = new Rng(1, 0);
    expect(() => pathNorm([randomLayer(3, 4, rng), randomLayer(5, 2, rng)])).toThrow(
      'layer 1 has 5 inputs, layer 0 4 outputs',
    );
  });

  it.each([
    ['stacked (one width, several seeds)', [16, 16, 16], 2],
    ['block-diagonal, segmented head (several widths)', [3, 8, 5], 2],
    ['one hidden layer (segmented head)', [3, 8], 1],
  ])('cuts each member out of an ensemble: %s', (_what, widths, depth) => {
    const input = { dim: 6, classes: 4 };
    const shapes = widths.map((k) => networkShape('mlp', depth, k));
    const seeds = widths.map((_, m) => 11 + m);
    const plan = ensemblePlan(shapes, input);
    const params = initialParameters(plan, seeds, 'he');
    shapes.forEach((shape, m) => {
      // A member starts from the same numbers alone: a lone network's tensors are its layers.
      const alonePlan = ensemblePlan([shape], input);
      const alone = initialParameters(alonePlan, [seeds[m]], 'he');
      const layers = memberLayers(plan, params, m);
      expect(layers.map((l) => [l.rows, l.cols])).toEqual(
        alonePlan.layers.map((l) => [l.inPerMember[0], l.outPerMember[0]]),
      );
      layers.forEach((l, i) => expect(l.w).toEqual(alone.w[i]));
      // Biases start at 0: label every ensemble bias by its unit, and member m owns the units
      // after the earlier members' ones.
      const labelled = { ...params, b: params.b.map((t, l) => t.map((_, j) => 1000 * l + j)) };
      memberLayers(plan, labelled, m).forEach((layer, l) => {
        const before = plan.layers[l].outPerMember.slice(0, m).reduce((a, b) => a + b, 0);
        expect(Array.from(layer.b)).toEqual(
          Array.from({ length: layer.cols }, (_, j) => 1000 * l + before + j),
        );
      });
    });
    expect(() => memberLayers(plan, params, widths.length)).toThrow(
      `member must be an integer in [0, ${widths.length})`,
    );
  });
});

describe('rank correlations of the measures with test error', () => {
  it('per seed, then median and type-7 quartiles over seeds; a constant measure has none', () => {
    // rff sweep (index 0), five sizes, three seeds. Test error 5,4,3,2,1 (falling with size).
    // parameters = size: ρ = −1 on every seed. coefNorm: equal to the test error on seed 1
    // (ρ = 1), a swap of adjacent pairs on seed 2 (ρ = 0.8: 1 − 6·4/(5·24)), reversed on seed 3
    // (ρ = −1) → median 0.8, q1 = −0.1, q3 = 0.9. effectiveTrain constant → no ρ.
    const error = [5, 4, 3, 2, 1];
    const coef: Record<number, number[]> = {
      1: [5, 4, 3, 2, 1],
      2: [4, 5, 2, 3, 1],
      3: [1, 2, 3, 4, 5],
    };
    const rows: Row[] = [];
    for (const seed of [1, 2, 3])
      error.forEach((e, i) =>
        rows.push({
          sweep: 0,
          size: 10 * (i + 1),
          repetition: seed - 1,
          parameters: 10 * (i + 1),
          testError: e,
          coefNorm: coef[seed][i],
          effectiveTrain: 7,
          effectiveTest: coef[seed][i] * 2,
        }),
      );
    // Rows in any order: each seed's curve is sorted by size.
    const c = measureCorrelations([...rows].reverse());
    expect(c.map((x) => x.measure)).toEqual(['parameters', 'coefNorm', 'effectiveTrain', 'effectiveTest']);
    const of = (m: string) => c.find((x) => x.measure === m)!;
    expect(of('parameters')).toMatchObject({ sweep: 'rff', seeds: 3, sizes: 5, median: -1, q1: -1, q3: -1 });
    expect(of('coefNorm').perSeed.map((v) => +v.toFixed(12))).toEqual([1, 0.8, -1]);
    expect([of('coefNorm').median, of('coefNorm').q1, of('coefNorm').q3].map((v) => +v.toFixed(12))).toEqual([
      0.8, -0.1, 0.9,
    ]);
    expect(of('effectiveTrain')).toMatchObject({ seeds: 0 });
    expect(of('effectiveTrain').median).toBeNaN();
    const lines = correlationLines(c);
    expect(lines[1]).toMatch(/sweep\s+vs\s+measure\s+ρ median\s+IQR \[q1, q3\]\s+seeds\s+sizes/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /rff\s+test error\s+coefficient norm ‖a‖\s+0\.80\s+1\.00 \[-0\.10, 0\.90\]\s+3\s+5/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/p_train = tr S\s+n\/a\s+n\/a\s+0\s+5/));
  });
});

const TINY: Config = {
  seeds: 3,
  rffN: 30,
  rffNTest: 60,
  rffFeatures: [5, 15, 30, 60, 120],
  polyN: 8,
  polyNTest: 60,
  polyMaxDegree: 14,
  mlpDataset: 'mnist1d:samples=400,split=0.5',
  mlpN: 100,
  mlpNTest: 100,
  mlpWidths: [2, 8, 32],
  mlpEpochs: 4,
  lanczosSteps: 6,
};

describe('complexity-measures end to end (tiny)', () => {
  it('rows per (sweep, size, seed) with every measure, the table, and the figure', async () => {
    const config = complexityMeasuresPreset.resolve(TINY);
    const result = await complexityMeasuresPreset.run(config, { loadDataset: loadDatasetByName });
    const bySweep = (s: string) => result.points.filter((r) => r.sweep === SWEEPS.indexOf(s as never));
    expect(bySweep('rff')).toHaveLength(5 * 3);
    expect(bySweep('polynomial')).toHaveLength(15 * 3);
    expect(bySweep('mlp')).toHaveLength(3 * 3);
    expect([...new Set(result.points.map((r) => r.repetition))].sort()).toEqual([0, 1, 2]);
    for (const r of bySweep('rff')) {
      // Least squares below n, min-norm interpolation at and above: tr S = min(N, n).
      expect(r.effectiveTrain).toBeCloseTo(Math.min(r.size, 30), 6);
      expect(r.parameters).toBe(r.size * 10);
      for (const k of ['testError', 'coefNorm', 'effectiveTest']) expect(Number.isFinite(r[k])).toBe(true);
    }
    for (const r of bySweep('polynomial')) {
      expect(r.parameters).toBe(r.size + 1);
      expect(r.effectiveTrain).toBeCloseTo(Math.min(r.size + 1, 8), 5);
    }
    for (const r of bySweep('mlp')) {
      for (const k of ['testError', 'paramNorm', 'sharpness', 'rig', 'pathNorm', 'spectralProduct'])
        expect(Number.isFinite(r[k]), `${k} at width ${r.size}`).toBe(true);
      expect(r.rig).toBeGreaterThan(0);
      // (d + 1)k + (k + 1)k + (k + 1)·10 for a 40-k-k-10 MLP.
      expect(r.parameters).toBe(41 * r.size + (r.size + 1) * r.size + (r.size + 1) * 10);
    }
    const correlations = result.summary.correlations as { sweep: string; measure: string; seeds: number }[];
    expect(correlations.map((c) => `${c.sweep} ${c.measure}`)).toEqual([
      'rff parameters',
      'rff coefNorm',
      'rff effectiveTrain',
      'rff effectiveTest',
      'polynomial parameters',
      'polynomial coefNorm',
      'polynomial effectiveTrain',
      'polynomial effectiveTest',
      'mlp parameters',
      'mlp paramNorm',
      'mlp sharpness',
      'mlp rig',
      'mlp pathNorm',
      'mlp spectralProduct',
    ]);
    expect(correlations.every((c) => c.seeds === 3)).toBe(true);
    expect(result.summaryLines.length).toBe(2 + 14);
    // The summary of the rows is the run's own.
    expect(complexityMeasuresPreset.summarizeRows?.(config, result.points).summary).toEqual(result.summary);
    const figure = compileVegaLite(figureFor('complexity-measures', config, result));
    expect(figure).toBeDefined();

    // Split into parts (closed-form sweeps, then MLP widths in two lanes) and merged: the same rows.
    const parts = complexityParts(config, 2);
    expect(parts.map((p) => [p.sweeps, p.mlpWidths])).toEqual([
      [
        ['rff', 'polynomial'],
        [2, 8, 32],
      ],
      [['mlp'], [32]],
      [['mlp'], [2, 8]],
    ]);
    const inParts: RunContext = {
      loadDataset: loadDatasetByName,
      partLanes: 2,
      runParts: async (_name, configs) =>
        Promise.all(
          configs.map((p) =>
            complexityMeasuresPreset.runPart!(complexityMeasuresPreset.resolve(p), {
              loadDataset: loadDatasetByName,
            }),
          ),
        ),
    };
    const split = await complexityMeasuresPreset.run(config, inParts);
    expect(split.points).toEqual(result.points);
  });

  it('names the bad field', () => {
    expect(() => complexityMeasuresPreset.resolve({ sweeps: ['rff', 'cnn'] })).toThrow(
      /sweeps\[1\] must be one of rff, polynomial, mlp, got 'cnn'/,
    );
    expect(() => complexityMeasuresPreset.resolve({ mlpWidths: [] })).toThrow(/mlpWidths must be/);
  });
});
