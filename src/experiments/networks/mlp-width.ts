// Model-wise double descent in neural networks (Nakkiran et al. 2019, Fig. 1/4; Belkin et al. 2018,
// Fig. 6 for two-layer nets): test error against width at the last epoch and at the best epoch
// (optimal early stopping), on an MNIST subset with label noise.
import { parameterCount } from '../../models/network.js';
import { definePreset, type PresetResult, type RunContext } from '../preset.js';
import {
  networkShapeOf,
  trainingBytes,
  trainingData,
  trainingSchema,
  type TrainingConfig,
} from '../common/training-config.js';
import { summarizeWidths, widthRows, widthSeries, widthSummaryLines } from './width-curve.js';
import { trainWidths, widthRunsInLanes, type WidthRun } from './width-sweep.js';
import { mergedWidthRuns, sharedTrainingFields } from './merged-widths.js';

/** Some of a configuration's widths, trained on its data (a lane of widthRunsInLanes, or all of them). */
async function trainPart(
  config: TrainingConfig,
  context: Pick<RunContext, 'loadDataset' | 'onProgress'>,
): Promise<WidthRun[]> {
  const data = trainingData(context.loadDataset(config.dataset), config, config.n);
  return trainWidths(config, data, { onEpoch: context.onProgress });
}

/** The largest trial (by the preset's memory estimate) whose widths are split into lanes. */
const LANE_BYTES = 4e9;

/**
 * The widths of a trial that has the process to itself, in one lane per core: two half-sweeps of
 * equal cost, one ORT thread each, use both cores. The lanes' ensembles hold other members than the
 * whole one, so a width's numbers move in their last f32 digits (other GEMM shapes), as they do
 * when trials merge; they stay within the golden record's tolerance. Weight reuse grows each width
 * from the one before, and the other families keep their own schedules: those train in one part.
 */
async function trainAllWidths(config: TrainingConfig, context: RunContext): Promise<WidthRun[]> {
  if (config.family !== 'mlp' || config.reuse) return trainPart(config, context);
  // Each lane holds its own copy of the data, and a lane that fails cannot stop the others before
  // they end: a large trial (or one too large to allocate, whose error must come at once) trains
  // in one part.
  if (trainingBytes(config) > LANE_BYTES) return trainPart(config, context);
  // The input's shape is the data set's: no need to draw the training subset here (each lane does).
  const ds = context.loadDataset(config.dataset);
  const input = { dim: ds.dim, classes: ds.classes, image: ds.shape };
  // Each width's GEMM work is its parameter count per sample; the constant is the per-member
  // overhead of a step (loss, update) in the same units.
  const cost = (width: number) => parameterCount(networkShapeOf(config, width), input) + 2000;
  return widthRunsInLanes('mlp-width', config, context, trainPart, cost);
}

function widthResult(config: TrainingConfig, runs: WidthRun[]): PresetResult {
  const points = widthRows(runs);
  const summary = summarizeWidths(config, points);
  return {
    points,
    series: widthSeries(runs),
    summary: { ...summary },
    summaryLines: widthSummaryLines(summary, config),
  };
}

export const mlpWidthPreset = definePreset<TrainingConfig>({
  name: 'mlp-width',
  description:
    'model-wise double descent of neural networks (Nakkiran et al. 2019): test error against width',
  schema: trainingSchema(),
  indexKeys: ['width', 'parameters'],
  async run(config, context) {
    return widthResult(config, await trainAllWidths(config, context));
  },
  runPart: trainPart,
  merge: {
    shared: sharedTrainingFields,
    async run(configs, context) {
      const runs = await mergedWidthRuns(configs, context);
      return configs.map((config, i) => widthResult(config, runs[i]));
    },
  },
  estimateBytes(config) {
    return trainingBytes(config);
  },
  summarizeRows(config, rows) {
    const summary = summarizeWidths(config, rows);
    return { summary: { ...summary }, summaryLines: widthSummaryLines(summary, config) };
  },
});
