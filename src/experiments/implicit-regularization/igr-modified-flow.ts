// Barrett & Dherin 2020, Theorem 3.1: one gradient-descent step θ₁ = θ₀ − h∇E(θ₀) stays O(h³) close
// to the gradient flow of the modified loss Ẽ = E + (h/4)‖∇E‖² (λ·R_IG with λ = hm/4), but only
// O(h²) close to the flow of E itself. For a range of h we integrate both flows for time h (RK4 with
// many substeps) and fit the slopes of the distances on log–log axes: ≈ 2 and ≈ 3. Two models:
// their two-parameter example E(a, b) = ½(y − abx)², and a tiny MLP on an MNIST subset (f64).
import type { Dataset } from '../../data/dataset.js';
import { integrateFlow, logLogSlope } from '../../fit/gradient-flow-integrator.js';
import { hessianVectorProduct } from '../../fit/train/hessian.js';
import { flattenParameters, unflattenParameters } from '../../fit/train/parameter-math.js';
import { EnsembleTrainer } from '../../fit/train/trainer.js';
import { alignedLines } from '../common/aligned-lines.js';
import { z } from 'zod';
import { integer, integerAtLeast, nonEmptyString, numberIn, positiveInteger } from '../common/fields.js';
import { logSpaced } from '../common/grid.js';
import { definePreset, wholeIssue, type Row } from '../preset.js';
import { networkShapeOf, TRAINING_DEFAULTS, trainSettings, trainingData } from '../common/training-config.js';

const stepSize = () => numberIn(0, Infinity, { low: true });

export const modifiedFlowSchema = z
  .strictObject({
    hMin: stepSize().default(1e-3).describe('smallest step h of the two-parameter example'),
    hMax: stepSize().default(1e-1).describe('largest step h of the two-parameter example'),
    // ReLU networks are only piecewise smooth: the expansion behind the theorem holds while no hidden
    // unit crosses its kink during the step, which at this initialisation needs h ≲ 5·10⁻⁴ (at
    // h = 10⁻³ a unit flips and both distances jump).
    mlpHMin: stepSize().default(1e-5).describe('smallest step h of the tiny MLP'),
    mlpHMax: stepSize()
      .default(5e-4)
      .describe('largest step h of the tiny MLP (beyond ~5e-4 a ReLU unit crosses its kink within a step)'),
    count: integerAtLeast(2, 'an integer ≥ 2 (a slope needs two step sizes)')
      .default(9)
      .describe('step sizes per model, log-spaced between the min and the max'),
    substeps: positiveInteger().default(200).describe('RK4 substeps per flow'),
    dataset: nonEmptyString().default('mnist').describe('images for the tiny MLP'),
    n: positiveInteger().default(32).describe('training images of the tiny MLP'),
    width: positiveInteger().default(4).describe('hidden width of the tiny MLP'),
    seed: integer().default(1).describe('draws the images and the initialisation'),
  })
  .superRefine((c, ctx) => {
    for (const [low, high] of [
      ['hMin', 'hMax'],
      ['mlpHMin', 'mlpHMax'],
    ] as const) {
      if (c[high] <= c[low])
        ctx.addIssue(wholeIssue(`${high} must be above ${low}, got ${c[low]}..${c[high]}`, [high]));
    }
  });

export type ModifiedFlowConfig = z.output<typeof modifiedFlowSchema>;

/** A loss with its gradient and Hessian-vector product, on flat parameter vectors. */
export interface FlowModel {
  name: string;
  start: Float64Array;
  gradient(theta: Float64Array): Promise<Float64Array> | Float64Array;
  hessianTimes(theta: Float64Array, v: Float64Array): Promise<Float64Array> | Float64Array;
}

/** Barrett & Dherin's two-parameter example, E(a, b) = ½(y − a·b·x)², with exact derivatives. */
export function twoParameterModel(x = 2, y = 1.5, start: [number, number] = [0.3, 0.8]): FlowModel {
  return {
    name: 'two-parameter E = ½(y − abx)²',
    start: Float64Array.from(start),
    gradient: ([a, b]) => {
      const r = y - a * b * x;
      return Float64Array.of(-r * b * x, -r * a * x);
    },
    hessianTimes: ([a, b], [u, v]) => {
      const off = x * (2 * a * b * x - y);
      return Float64Array.of(b * b * x * x * u + off * v, off * u + a * a * x * x * v);
    },
  };
}

/** Distances after one GD step of size h to the flows of E and of E + (h/4)‖∇E‖², run for time h. */
export async function stepVersusFlows(
  model: FlowModel,
  h: number,
  substeps: number,
): Promise<{ toFlow: number; toModifiedFlow: number }> {
  const g0 = await model.gradient(model.start);
  const gd = model.start.map((v, i) => v - h * g0[i]);
  const flow = await integrateFlow((t) => model.gradient(t), model.start, h, substeps);
  const modified = await integrateFlow(
    async (t) => {
      const g = await model.gradient(t);
      const hg = await model.hessianTimes(t, g);
      return g.map((v, i) => v + (h / 2) * hg[i]);
    },
    model.start,
    h,
    substeps,
  );
  const distance = (p: Float64Array) => Math.sqrt(p.reduce((s, v, i) => s + (v - gd[i]) ** 2, 0));
  return { toFlow: distance(flow), toModifiedFlow: distance(modified) };
}

/** The tiny MLP's full-batch cross-entropy, in f64 (gradients by the engine, H·v by differences). */
export async function tinyMlpModel(data: Dataset, config: ModifiedFlowConfig): Promise<FlowModel> {
  const training = { ...TRAINING_DEFAULTS, n: config.n, nTest: 1, labelNoise: 0, seed: config.seed };
  const input = trainingData(data, training, config.n);
  const trainer = await EnsembleTrainer.create(
    [{ shape: networkShapeOf(training, config.width), seed: config.seed, lr: 1 }],
    input,
    { ...trainSettings(training), dtype: 'float64' },
  );
  const like = trainer.parameters();
  const unflat = (t: Float64Array) => unflattenParameters(t, like);
  return {
    name: `MLP ${input.input.dim}-${config.width}-${input.input.classes} on ${config.n} images`,
    start: flattenParameters(like),
    gradient: async (t) => flattenParameters((await trainer.lossGradient(undefined, unflat(t))).grads),
    hessianTimes: async (t, v) =>
      flattenParameters(await hessianVectorProduct(trainer, unflat(v), { at: unflat(t) })),
  };
}

function summarize(rows: Row[]): { summary: Record<string, unknown>; summaryLines: string[] } {
  const models = [...new Set(rows.map((r) => r.model))].sort();
  const slopes = models.map((model) => {
    const at = rows.filter((r) => r.model === model);
    const hs = at.map((r) => r.h);
    return {
      model,
      slopeToFlow: logLogSlope(
        hs,
        at.map((r) => r.toFlow),
      ),
      slopeToModifiedFlow: logLogSlope(
        hs,
        at.map((r) => r.toModifiedFlow),
      ),
    };
  });
  const names = ['two-parameter example', 'tiny MLP'];
  const lines = alignedLines(
    slopes.map((s) => [
      names[s.model] ?? `model ${s.model}`,
      `slope of ‖GD − flow of E‖ ${s.slopeToFlow.toFixed(2)} (theory 2), ‖GD − flow of Ẽ‖ ${s.slopeToModifiedFlow.toFixed(2)} (theory 3)`,
    ]),
  );
  return { summary: { slopes }, summaryLines: lines };
}

export const igrModifiedFlowPreset = definePreset<ModifiedFlowConfig>({
  name: 'igr-modified-flow',
  description:
    'one GD step vs the gradient flows of E and of the modified loss E + λR_IG (Barrett & Dherin 2020)',
  schema: modifiedFlowSchema,
  indexKeys: ['model', 'h'],
  async run(config, context) {
    const models = [twoParameterModel(), await tinyMlpModel(context.loadDataset(config.dataset), config)];
    const ranges = [
      [config.hMin, config.hMax],
      [config.mlpHMin, config.mlpHMax],
    ];
    const rows: Row[] = [];
    let done = 0;
    for (const [model, m] of models.entries()) {
      const [low, high] = ranges[model];
      for (const h of logSpaced(low, high, config.count)) {
        rows.push({ model, h, ...(await stepVersusFlows(m, h, config.substeps)) });
        context.onProgress?.(++done, models.length * config.count);
      }
    }
    return { points: rows, ...summarize(rows) };
  },
  summarizeRows: (_c, rows) => summarize(rows),
});
