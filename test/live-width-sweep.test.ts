// The lab's networks-live experiment (src/experiments/networks/live-width-sweep.ts): the rows it
// streams after every epoch are the trainer's own records (the same as trainWidths returns when run
// again on its own), and bad settings are named.
import { describe, expect, it } from 'vitest';
import { mnist1dByName } from '../src/data/mnist1d.js';
import { trainingData } from '../src/experiments/common/training-config.js';
import {
  networksLiveConfig,
  runNetworksLive,
  type NetworksRow,
} from '../src/experiments/networks/live-width-sweep.js';
import { trainWidths } from '../src/experiments/networks/width-sweep.js';

const INPUT = {
  widths: [3, 7],
  n: 120,
  nTest: 100,
  labelNoise: 0.2,
  lr: 0.01,
  epochs: 3,
  batchSize: 32,
  seed: 4,
};

describe('networks live', () => {
  it('streams every width after every epoch; the rows are the trainer records of a separate run', async () => {
    const config = networksLiveConfig(INPUT);
    const streamed: NetworksRow[][] = [];
    const last = await runNetworksLive(config, (rows, epoch, total) => {
      expect([rows[0].epoch, total]).toEqual([epoch, 3]);
      streamed.push(rows);
    });
    expect(streamed.map((rows) => rows.map((r) => [r.epoch, r.width]))).toEqual(
      [1, 2, 3].map((e) => [
        [e, 3],
        [e, 7],
      ]),
    );
    expect(last).toEqual(streamed[2]);
    // Parameters of a 40-k-10 MLP: (40 + 1)·k + (k + 1)·10.
    expect(last.map((r) => r.parameters)).toEqual([41 * 3 + 4 * 10, 41 * 7 + 8 * 10]);
    const data = trainingData(mnist1dByName('mnist1d')!, config, 120);
    const runs = await trainWidths(config, data);
    runs.forEach((run, m) =>
      run.records.forEach((r, e) =>
        expect(streamed[e][m]).toMatchObject({
          trainError: r.trainError,
          testError: r.testError,
          trainLoss: r.trainLoss,
          testLoss: r.testLoss,
        }),
      ),
    );
  });

  it('names a bad setting', () => {
    expect(() => networksLiveConfig({ ...INPUT, lr: -1 })).toThrow('lr must be a number in (0, ∞), got -1');
    expect(() => networksLiveConfig({ ...INPUT, labelNoise: 2 })).toThrow(/labelNoise/);
  });
});
