// The lab's networks-live experiment, shared by the compute worker and the Node tests: a width sweep
// of one-hidden-layer ReLU MLPs on generated MNIST-1D (4000 train, 1000 test samples: the
// generator's published defaults) with label noise, all widths trained side by side as one ensemble
// by ddlab's trainer (width-sweep.ts's trainWidths), evaluated after every epoch.
import { mnist1dByName } from '../../data/mnist1d.js';
import { trainingData, trainingSchema, type TrainingConfig } from '../common/training-config.js';
import type { EngineSettings } from '../../engine/session-cache.js';
import type { EpochRecord } from '../../fit/train/trainer.js';
import { ConfigError, configErrorMessage } from '../preset.js';
import { trainWidths } from './width-sweep.js';

export const NETWORKS_DATASET = 'mnist1d';

/** What the page sets; the rest is the training preset's defaults (Adam, cross-entropy, He init). */
export interface NetworksLiveInput {
  widths: number[];
  n: number;
  nTest: number;
  labelNoise: number;
  lr: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

export function networksLiveConfig(input: NetworksLiveInput): TrainingConfig {
  const full = {
    ...input,
    dataset: NETWORKS_DATASET,
    family: 'mlp',
    depth: 1,
    optimizer: 'adam',
    evalEvery: 1,
  };
  const result = trainingSchema().safeParse(full);
  if (result.success) return result.data;
  // One line per problem, named as the presets name them.
  throw new ConfigError(configErrorMessage('networks-live', full, result.error.issues));
}

/** One width's record at one epoch (a row of the live curves). */
export interface NetworksRow {
  epoch: number;
  width: number;
  parameters: number;
  trainError: number;
  testError: number;
  trainLoss: number;
  testLoss: number;
}

/** Trains the sweep, calling `onEpoch` with every width's row after each epoch; returns the last rows. */
export async function runNetworksLive(
  config: TrainingConfig,
  onEpoch: (rows: NetworksRow[], epoch: number, total: number) => void = () => {},
  /** ORT threads (default: the engine's; the browser's are set by ort-web.ts). */
  engine?: EngineSettings,
): Promise<NetworksRow[]> {
  const data = trainingData(mnist1dByName(config.dataset)!, config, config.n);
  const parameters = (w: number) => (data.input.dim + 1) * w + (w + 1) * data.input.classes;
  const row = (epoch: number, width: number, r: EpochRecord): NetworksRow => ({
    epoch,
    width,
    parameters: parameters(width),
    trainError: r.trainError,
    testError: r.testError,
    trainLoss: r.trainLoss,
    testLoss: r.testLoss,
  });
  const runs = await trainWidths(config, data, {
    ...(engine && { engineFor: () => engine }),
    onRecords: (epoch, members, records) =>
      onEpoch(
        members.map((m, i) => row(epoch, m.width, records[i])),
        epoch,
        config.epochs,
      ),
  });
  return runs.map((r) => row(r.records.length, r.width, r.records[r.records.length - 1]));
}
