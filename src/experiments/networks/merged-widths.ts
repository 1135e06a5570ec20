// Sweep trials of a width preset that differ only in what each network of an ensemble may have of
// its own (widths, init seed, learning rate) train as one ensemble run: one graph step for all of
// them, the same per-member numbers as their own runs (the trainer is exact member by member, up to
// f32 rounding). What they share — data, label noise, minibatch order, optimizer, schedule, epochs —
// is `sharedTrainingFields`: trials merge when those are equal.
import { trainingData, type TrainingConfig } from '../common/training-config.js';
import type { Config, RunContext } from '../preset.js';
import { trainWidths, type WidthRun } from './width-sweep.js';

/**
 * The fields a merged run must share: all but `lr`, `widths` and — when `dataSeed` is a number, so
 * that `seed` draws only the initialisation — `seed`. Undefined (run alone) where merging would not
 * pay, measured on one ORT thread (README, Sweeps):
 * - weight reuse: its networks grow one from another, in turn;
 * - the 2-D CNN and ResNet18: every network trains alone anyway;
 * - one-hidden-layer MLPs of several widths: a trial is already one ensemble, and merging only
 *   widens its GEMMs (16 widths × 3 trials, segmented head: 0.550 s an epoch merged against 0.477 s
 *   for the three trials in turn; with the earlier block-diagonal head 1.72 s against 0.88 s). With
 *   one width each, the merged networks are stacked or a small block-diagonal: 0.066 s against 0.112 s.
 * Deeper MLPs and the 1-D CNN train per width, the trials' networks of a width stacked.
 */
export function sharedTrainingFields(config: TrainingConfig): Config | undefined {
  if (config.reuse || config.family === 'cnn' || config.family === 'resnet18') return undefined;
  if (config.family === 'mlp' && config.depth === 1 && config.widths.length > 1) return undefined;
  const { lr: _lr, widths: _widths, seed, ...shared } = config;
  return typeof config.dataSeed === 'number' ? shared : { ...shared, seed };
}

/** Each configuration's networks, trained as one ensemble run: runs[i] as configs[i] alone gives them. */
export async function mergedWidthRuns(
  configs: TrainingConfig[],
  context: Pick<RunContext, 'loadDataset' | 'onProgress'>,
): Promise<WidthRun[][]> {
  const first = configs[0];
  const key = JSON.stringify(sharedTrainingFields(first));
  for (const c of configs) {
    if (sharedTrainingFields(c) === undefined || JSON.stringify(sharedTrainingFields(c)) !== key)
      throw new Error('mergedWidthRuns: the configurations differ in more than widths, seed and lr');
  }
  const data = trainingData(context.loadDataset(first.dataset), first, first.n);
  const runs = await trainWidths(first, data, {
    variants: configs.map((c) => ({ widths: c.widths, seed: c.seed, lr: c.lr })),
    onEpoch: context.onProgress,
  });
  // Each configuration's runs in the order its own run gives them (by width, then seed).
  return configs.map((_, i) => runs.filter((r) => r.variant === i).map((r) => ({ ...r, variant: 0 })));
}
