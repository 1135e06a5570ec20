// The essay's headline figure (Nakkiran et al. 2019, Fig. 1): test error against the width k of a
// pre-activation ResNet18 trained with Adam on data with noisy labels, at the last epoch and
// early-stopped, median and IQR over initialisations. The defaults are a CPU-sized version on
// Fashion-MNIST; the paper's CIFAR-10 setup is one `--set` line (README).
import { z } from 'zod';
import { downsampleImages } from '../../data/transforms.js';
import type { Dataset } from '../../data/dataset.js';
import { MAX_REPETITIONS, repetitionSeed } from '../common/repetitions.js';
import { positiveInteger } from '../common/fields.js';
import { trainingData, trainingFields, trainSettings } from '../common/training-config.js';
import { definePreset, type RunContext } from '../preset.js';
import { seedMedianRows, widthSeries } from './width-curve.js';
import { ENGINE, widthRunsInLanes, type WidthRun } from './width-sweep.js';
import { resnetWidthLines, summarizeResnetWidths } from './resnet-width-summary.js';
import { resnetSettingsOf, trainResNetWidths } from './resnet-widths.js';

export const RESNET_WIDTH_DEFAULTS = {
  dataset: 'fashion-mnist',
  n: 2000,
  nTest: 1000,
  labelNoise: 0.2,
  widths: [1, 2, 3, 4, 6, 8, 12],
  epochs: 80,
  batchSize: 128,
  optimizer: 'adam' as const,
  // Nakkiran et al.'s rate: at 1e-3 the same networks fit the noise already at k = 2 (no classical side).
  lr: 0.0001,
  init: 'pytorch' as const,
  evalEvery: 5,
  augment: 'auto' as const,
};

/** The training fields that mean something for a ResNet (no family, depth, loss, reuse, probes, SAM). */
function resnetTrainingFields() {
  const {
    family: _family,
    depth: _depth,
    loss: _loss,
    reuse: _reuse,
    probes: _probes,
    sam: _sam,
    widths,
    ...fields
  } = trainingFields(RESNET_WIDTH_DEFAULTS);
  return {
    ...fields,
    widths: widths.describe(
      'ResNet18 widths k: stages of k, 2k, 4k, 8k channels (k = 64 is the standard network)',
    ),
  };
}

export function resnetWidthSchema() {
  return z.strictObject({
    ...resnetTrainingFields(),
    downsample: positiveInteger()
      .default(2)
      .describe(
        'shrink the images by this factor (average pooling) before training: 2 turns 28×28 into 14×14 (1: as stored)',
      ),
    seeds: positiveInteger()
      .max(MAX_REPETITIONS, { error: `must be at most 2²⁰ = ${MAX_REPETITIONS}` })
      .default(2)
      .describe(
        'initialisations per width (init seed r: seed·2²⁰ + r; the data, its noise, the minibatch order and the crops come from seed)',
      ),
  });
}

export type ResnetWidthConfig = z.output<ReturnType<typeof resnetWidthSchema>>;

/** The images the networks see: the configured subset with its label noise, downsampled. */
function resnetData(config: ResnetWidthConfig, dataset: Dataset) {
  return trainingData(downsampleImages(dataset, config.downsample), config, config.n);
}

/** Every width of `config` with every seed, one network at a time (one ORT thread: lanes use the cores). */
function trainPart(
  config: ResnetWidthConfig,
  context: Pick<RunContext, 'loadDataset' | 'onProgress'>,
): Promise<WidthRun[]> {
  const data = resnetData(config, context.loadDataset(config.dataset));
  const seeds = Array.from({ length: config.seeds }, (_, r) => repetitionSeed(config.seed, r));
  const procedure = trainSettings({ ...config, loss: 'cross-entropy' });
  const settings = resnetSettingsOf(procedure, config.lr, data.input.image, ENGINE);
  return trainResNetWidths(config.widths, seeds, data, settings, { onEpoch: context.onProgress });
}

/** Relative cost of a width: the convolutions' flops grow as k², plus a per-step overhead of the graph run. */
const resnetCost = (k: number) => k * k + 8;

export const resnetWidthPreset = definePreset<ResnetWidthConfig>({
  name: 'resnet-width',
  description:
    "Nakkiran et al.'s headline figure: test error against the width k of a pre-activation ResNet18 with label noise (CPU-sized: Fashion-MNIST, 14×14)",
  schema: resnetWidthSchema(),
  indexKeys: ['width', 'parameters'],
  async run(config, context) {
    const runs = await widthRunsInLanes('resnet-width', config, context, trainPart, resnetCost);
    const points = seedMedianRows(runs);
    const summary = summarizeResnetWidths(points);
    return {
      points,
      series: widthSeries(runs),
      summary: { ...summary },
      summaryLines: resnetWidthLines(summary, config),
    };
  },
  runPart: trainPart,
  estimateBytes(config) {
    // The data as f64 and f32, plus the widest network's activations for a batch (about 64 maps of
    // k·H·W floats per image, saved for the backward) and its evaluation chunks, at the pixels of
    // the largest image the loaders read (CIFAR's 3×32×32) shrunk by `downsample`.
    const pixels = 3072 / config.downsample ** 2;
    const k = Math.max(...config.widths);
    return (
      12 * pixels * (config.n + config.nTest) +
      4 * 64 * k * (pixels / 3) * Math.max(config.batchSize, 256) +
      4e8
    );
  },
  summarizeRows(config, rows) {
    const summary = summarizeResnetWidths(rows);
    return { summary: { ...summary }, summaryLines: resnetWidthLines(summary, config) };
  },
});
