// Trains one network per width on the same data and procedure and returns each one's per-epoch
// records. MLPs of all widths train side by side as one ensemble (one graph run per step for the
// whole sweep); CNNs train one width at a time, because block-diagonal convolutions would spend
// most of their work on the zeros between members.
import { parameterCount } from '../fit/train/ensemble-plan.js';
import { EnsembleTrainer, type EpochRecord, type Member, type TrainingData } from '../fit/train/trainer.js';
import { networkShape, trainSettings, type TrainingConfig } from './training-config.js';

export interface WidthRun {
  width: number;
  parameters: number;
  /** Init seed of this network. */
  seed: number;
  records: EpochRecord[];
}

export async function trainWidths(
  config: TrainingConfig,
  data: TrainingData,
  options: {
    /** Init seeds: every width is trained once per seed (default: the config's seed). */
    seeds?: number[];
    onEpoch?: (done: number, total: number) => void;
  } = {},
): Promise<WidthRun[]> {
  const seeds = options.seeds ?? [config.seed];
  const members: Member[] = config.widths.flatMap((w) =>
    seeds.map((seed) => ({ shape: networkShape(config, w), seed, lr: config.lr })),
  );
  const groups = config.family === 'cnn' ? members.map((m) => [m]) : [members];
  const settings = trainSettings(config);
  const total = groups.length * config.epochs;
  let done = 0;
  const runs: WidthRun[] = [];
  for (const group of groups) {
    const trainer = await EnsembleTrainer.create(group, data, settings);
    const series = await trainer.train(() => {
      done += config.evalEvery;
      options.onEpoch?.(Math.min(done, total), total);
    });
    group.forEach((m, i) =>
      runs.push({
        width: m.shape.widths[0],
        parameters: parameterCount(m.shape, data.input),
        seed: m.seed,
        records: series[i],
      }),
    );
  }
  return runs;
}

/** The record of the last epoch and the one with the lowest test error (optimal early stopping). */
export function finalAndBest(records: EpochRecord[]): { final: EpochRecord; best: EpochRecord } {
  const final = records[records.length - 1];
  const best = records.reduce((b, r) => (r.testError < b.testError ? r : b), records[0]);
  return { final, best };
}

/**
 * The interpolation threshold of a one-hidden-layer MLP in widths: the width whose parameter count
 * (d + 1)·k + (k + 1)·K equals n·K, the number of target values to fit.
 */
export function thresholdWidth(n: number, dim: number, classes: number): number {
  return (n * classes - classes) / (dim + 1 + classes);
}
