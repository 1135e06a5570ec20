// `npm run bench -- cnn-ensemble`: one training step of an ensemble of 3 equal 5-layer CNNs
// (widths k, 2k, 4k, 8k; CIFAR-shaped 3×32×32 random images, batch 128, plain SGD, f32) in its
// grouped layout (Conv with group = 3, no masked zeros) against the masked block-diagonal layout
// that unequal members use, and against the three networks trained one after another. One ORT
// thread, steps of the three set-ups interleaved back to back, the median of several steps each.
import { Rng } from '../src/engine/random.js';
import { DEFAULT_OPTIMIZER } from '../src/fit/train/optimizer.js';
import {
  EnsembleTrainer,
  type Member,
  type TrainingData,
  type TrainSettings,
} from '../src/fit/train/trainer.js';
import { parameterCount } from '../src/models/network.js';

const BATCH = 128;
const MEMBERS = 3;
const IMAGE: [number, number, number] = [3, 32, 32];

const settings = (maskedLayout: boolean): TrainSettings => ({
  loss: 'cross-entropy',
  optimizer: DEFAULT_OPTIMIZER,
  schedule: { name: 'constant' },
  epochs: 1,
  batchSize: BATCH,
  init: 'he',
  dataSeed: 1,
  evalEvery: 1,
  dtype: 'float32',
  stepsPerRun: 1,
  engine: { threads: 1 },
  maskedLayout,
});

function randomImages(count: number): TrainingData {
  const rng = new Rng(1, 1);
  const dim = IMAGE[0] * IMAGE[1] * IMAGE[2];
  const x = Float32Array.from({ length: count * dim }, () => rng.uniform());
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return {
    xTrain: x,
    labelsTrain: labels,
    xTest: x,
    labelsTest: labels,
    input: { dim, classes: 10, image: IMAGE },
  };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return (performance.now() - t) / 1000;
}

export async function benchCnnEnsemble(widths = [8, 16], repeats = 7): Promise<void> {
  const data = randomImages(BATCH);
  const batch = Int32Array.from({ length: BATCH }, (_, i) => i);
  console.log(
    `${MEMBERS} equal CNNs k-2k-4k-8k, ${IMAGE.join('×')} random images, batch ${BATCH}, SGD, f32, ` +
      `1 ORT thread; median of ${repeats} steps [min, max], interleaved`,
  );
  console.log('(2 cores shared with other jobs: absolute times are inflated, the ratios less so)');
  console.log(
    '   k  params/net   grouped (s)            masked (s)             3 alone (s)            masked/grouped  alone/grouped',
  );
  for (const k of widths) {
    const members: Member[] = Array.from({ length: MEMBERS }, (_, i) => ({
      shape: { family: 'cnn', widths: [k, 2 * k, 4 * k, 8 * k] },
      seed: i + 1,
      lr: 0.01,
    }));
    const grouped = await EnsembleTrainer.create(members, data, settings(false));
    const masked = await EnsembleTrainer.create(members, data, settings(true));
    const alone = await Promise.all(members.map((m) => EnsembleTrainer.create([m], data, settings(false))));
    if (!grouped.plan.layers[1].grouped || masked.plan.layers[1].grouped)
      throw new Error('the layouts are not the ones compared');
    const runs: Record<'grouped' | 'masked' | 'alone', () => Promise<unknown>> = {
      grouped: () => grouped.step(batch, 0),
      masked: () => masked.step(batch, 0),
      alone: async () => {
        for (const t of alone) await t.step(batch, 0);
      },
    };
    // A warm-up step each (session creation), then the set-ups in turn.
    for (const run of Object.values(runs)) await run();
    const times = { grouped: [] as number[], masked: [] as number[], alone: [] as number[] };
    for (let r = 0; r < repeats; r++)
      for (const key of ['grouped', 'masked', 'alone'] as const) times[key].push(await seconds(runs[key]));
    const cell = (v: number[]) =>
      `${median(v).toFixed(3)} [${Math.min(...v).toFixed(3)}, ${Math.max(...v).toFixed(3)}]`.padEnd(23);
    console.log(
      `${String(k).padStart(4)}  ${String(parameterCount(members[0].shape, data.input)).padStart(10)}   ` +
        `${cell(times.grouped)}${cell(times.masked)}${cell(times.alone)}` +
        `${(median(times.masked) / median(times.grouped)).toFixed(2).padStart(14)}` +
        `${(median(times.alone) / median(times.grouped)).toFixed(2).padStart(15)}`,
    );
  }
}
