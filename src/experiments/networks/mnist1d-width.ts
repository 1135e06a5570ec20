// udlbook's MNIST-1D double-descent figure (Prince 2023, Understanding Deep Learning, notebook 8.3):
// test and train error against the width h of a 40→h→h→10 ReLU MLP, trained by SGD (lr 0.01,
// momentum 0.9, batch 100) for 1000 epochs on 4000 MNIST-1D samples with noisy labels, median and
// IQR over initialisations. The notebook replaces 15% of the training labels by a uniformly random
// class, which may be the true one; ddlab's labelNoise picks a wrong class, so labelNoise 0.135
// (= 0.15 · 9/10) draws the same label distribution.
import { z } from 'zod';
import { positiveInteger } from '../common/fields.js';
import { MAX_REPETITIONS, repetitionSeed } from '../common/repetitions.js';
import {
  checkTraining,
  trainingBytes,
  trainingData,
  trainingFields,
  type TrainingConfig,
} from '../common/training-config.js';
import { definePreset, type RunContext } from '../preset.js';
import { seedMedianRows, widthSeries } from './width-curve.js';
import { ENGINE, trainWidths, widthRunsInLanes } from './width-sweep.js';
import { mnist1dWidthLines, summarizeMnist1dWidths } from './mnist1d-width-summary.js';

/** udlbook's widths: fine steps around the interpolation width (≈ 45), coarse beyond. */
export const UDLBOOK_WIDTHS = [
  2, 4, 6, 8, 10, 14, 18, 22, 26, 30, 35, 40, 45, 50, 55, 60, 70, 80, 90, 100, 120, 140, 160, 180, 200, 250,
  300, 400,
];

export const MNIST1D_WIDTH_DEFAULTS = {
  dataset: 'mnist1d:samples=8000,split=0.5',
  n: 4000,
  nTest: 4000,
  labelNoise: 0.135,
  depth: 2,
  widths: UDLBOOK_WIDTHS,
  epochs: 1000,
  batchSize: 100,
  optimizer: 'sgd' as const,
  lr: 0.01,
  momentum: 0.9,
  init: 'kaiming-uniform' as const,
  // 21 evaluations of 8000 points cost about 4 epochs of training: ~0.5% of the run.
  evalEvery: 50,
};

export function mnist1dWidthSchema() {
  return z
    .strictObject({
      ...trainingFields(MNIST1D_WIDTH_DEFAULTS),
      seeds: positiveInteger()
        .max(MAX_REPETITIONS, { error: `must be at most 2²⁰ = ${MAX_REPETITIONS}` })
        .default(3)
        .describe(
          'initialisations per width, trained side by side as one stacked ensemble (init seed r: seed·2²⁰ + r; the data, its noise and the minibatch order come from seed)',
        ),
    })
    .superRefine(checkTraining);
}

export type Mnist1dWidthConfig = z.output<ReturnType<typeof mnist1dWidthSchema>>;

/** Every width of `config` with its seeds: one stacked ensemble per width. */
function trainPart(config: Mnist1dWidthConfig, context: Pick<RunContext, 'loadDataset' | 'onProgress'>) {
  const data = trainingData(context.loadDataset(config.dataset), config, config.n);
  const seeds = Array.from({ length: config.seeds }, (_, r) => repetitionSeed(config.seed, r));
  return trainWidths(config as TrainingConfig, data, {
    seeds,
    onEpoch: context.onProgress,
    engineFor: () => ENGINE,
  });
}

export const mnist1dWidthPreset = definePreset<Mnist1dWidthConfig>({
  name: 'mnist1d-width',
  description:
    "udlbook's MNIST-1D double descent (notebook 8.3): a 40-h-h-10 MLP, SGD 1000 epochs, median and IQR over seeds against width",
  schema: mnist1dWidthSchema(),
  indexKeys: ['width', 'parameters'],
  async run(config, context) {
    const runs = await widthRunsInLanes('mnist1d-width', config, context, trainPart);
    const points = seedMedianRows(runs);
    const summary = summarizeMnist1dWidths(points);
    return {
      points,
      series: widthSeries(runs),
      summary: { ...summary },
      summaryLines: mnist1dWidthLines(summary, config),
    };
  },
  runPart: trainPart,
  estimateBytes(config) {
    return trainingBytes(config as TrainingConfig);
  },
  summarizeRows(config, rows) {
    const summary = summarizeMnist1dWidths(rows);
    return { summary: { ...summary }, summaryLines: mnist1dWidthLines(summary, config) };
  },
});

// The lanes and the one-thread engine live in width-sweep.ts (shared with complexity-measures).
export { ENGINE, widthLanes } from './width-sweep.js';
