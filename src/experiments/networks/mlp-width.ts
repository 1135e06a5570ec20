// Model-wise double descent in neural networks (Nakkiran et al. 2019, Fig. 1/4; Belkin et al. 2018,
// Fig. 6 for two-layer nets): test error against width at the last epoch and at the best epoch
// (optimal early stopping), on an MNIST subset with label noise.
import { definePreset, type PresetResult } from '../preset.js';
import {
  trainingBytes,
  trainingData,
  trainingSchema,
  type TrainingConfig,
} from '../common/training-config.js';
import { summarizeWidths, widthRows, widthSeries, widthSummaryLines } from './width-curve.js';
import { trainWidths, type WidthRun } from './width-sweep.js';
import { mergedWidthRuns, sharedTrainingFields } from './merged-widths.js';

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
    const data = trainingData(context.loadDataset(config.dataset), config, config.n);
    return widthResult(config, await trainWidths(config, data, { onEpoch: context.onProgress }));
  },
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
