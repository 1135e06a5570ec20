// ResNet18 widths trained one network at a time by the ResNet trainer (a ResNet is a DAG with batch
// norm, not an ensemble plan): the width loop of resnet-width, and of any width preset whose family
// is resnet18 (mlp-width, epochwise, emc, … route here through trainWidths).
import type { EngineSettings } from '../../engine/session-cache.js';
import { augmentOptionsFor, minibatchAugmenter } from '../../data/augment.js';
import { ResNetTrainer, type ResNetSettings } from '../../fit/train/resnet-trainer.js';
import type { EpochRecord, TrainingData, TrainSettings } from '../../fit/train/trainer.js';
import { resnet18ParameterCount } from '../../models/resnet18.js';
import type { WidthRun } from './width-sweep.js';

/**
 * The ensemble trainer's settings, as the ResNet trainer reads them (cross-entropy, float32 only);
 * the augment setting becomes the same seeded minibatch transform the ensemble trainer applies.
 */
export function resnetSettingsOf(
  settings: TrainSettings,
  lr: number,
  image: readonly [number, number, number] | undefined,
  engine?: EngineSettings,
): ResNetSettings {
  if (settings.loss !== 'cross-entropy') {
    throw new Error(`resnet18 trains with cross-entropy only, got loss '${settings.loss}'`);
  }
  if (settings.sam || settings.gradientPenalty) {
    throw new Error('resnet18 has no sharpness-aware minimization or gradient penalty: set sam = 0');
  }
  const augment = augmentOptionsFor(settings.augment ?? 'off', image);
  return {
    optimizer: settings.optimizer,
    lr,
    schedule: settings.schedule,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    init: settings.init,
    dataSeed: settings.dataSeed,
    evalEvery: settings.evalEvery,
    ...(engine && { engine }),
    ...(augment && image && { augment: minibatchAugmenter(image, augment, settings.dataSeed) }),
  };
}

/** Every width with every seed, in that order; progress counts epochs over all of them. */
export async function trainResNetWidths(
  widths: number[],
  seeds: number[],
  data: TrainingData,
  settings: ResNetSettings,
  options: {
    onEpoch?: (done: number, total: number) => void;
    onRecords?: (epoch: number, members: { width: number; seed: number }[], records: EpochRecord[]) => void;
  } = {},
): Promise<WidthRun[]> {
  const image = data.input.image;
  if (!image) throw new Error('resnet18 needs image data (channels, height, width); this data set has none');
  const total = widths.length * seeds.length * settings.epochs;
  const runs: WidthRun[] = [];
  for (const width of widths)
    for (const seed of seeds) {
      const done = runs.length * settings.epochs;
      const trainer = await ResNetTrainer.create(width, seed, data, settings);
      const records = await trainer.train({
        onRecord: (r) => {
          options.onRecords?.(r.epoch, [{ width, seed }], [r]);
          options.onEpoch?.(done + r.epoch, total);
        },
      });
      runs.push({
        width,
        seed,
        parameters: resnet18ParameterCount(width, image[0], data.input.classes),
        records,
      });
    }
  return runs;
}
