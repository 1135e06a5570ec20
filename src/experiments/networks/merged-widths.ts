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
 * that `seed` draws only the initialisation — `seed`. Weight reuse never merges (its networks grow
 * one from another, in turn).
 */
export function sharedTrainingFields(config: TrainingConfig): Config | undefined {
  if (config.reuse) return undefined;
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
