// Trains one pre-activation ResNet18 of width k: every minibatch step is one run of the cached step
// graph (forward with batch statistics, backward, optimizer update, BN running averages), in float32.
// Evaluation uses the running statistics (PyTorch's model.eval()). A ResNet is a DAG with batch-norm
// state, not a stack of (weight, bias) layers, so it trains here rather than in an EnsemblePlan.
import { Tensor } from '../../engine/ort.js';
import { Rng, Streams } from '../../engine/random.js';
import type { EngineSettings } from '../../engine/session-cache.js';
import { resnet18Geometry, type ResNet18Geometry } from '../../models/resnet18.js';
import { inDtype, oneHotFeed, tensor, type OrtTensor } from './graph-tensors.js';
import type { InitScheme } from './initialize.js';
import { ADAM_SCALE_INPUT, adamRateFactor, stateSlots, type OptimizerConfig } from './optimizer.js';
import { initialResNet, type ResNetState } from './resnet-initialize.js';
import { LR_INPUT, resnetEvalSession, resnetStepSession, runningNames } from './resnet-train-graphs.js';
import { scheduleFactor, type ScheduleConfig } from './schedule.js';
import { nextName, stateName } from './train-graphs.js';
import { TrainingDivergedError, type EpochRecord, type TrainingData } from './trainer.js';

/**
 * Changes a minibatch in place before its step: `x` holds `count` images (C, H, W) row after row;
 * `step` is the 0-based optimizer step (a seeded transform can derive its randomness from it).
 */
export type AugmentHook = (x: Float32Array, count: number, step: number) => void;

export interface ResNetSettings {
  optimizer: OptimizerConfig;
  /** Base learning rate (the schedule multiplies it). */
  lr: number;
  schedule: ScheduleConfig;
  epochs: number;
  batchSize: number;
  /** Conv and linear weights (resnet-initialize.ts); 'pytorch' is PyTorch's default. */
  init: InitScheme;
  /** Seed of the minibatch order. */
  dataSeed: number;
  /** Evaluate every this many epochs (the last epoch is always evaluated). */
  evalEvery: number;
  engine?: EngineSettings;
  /** Applied to every training minibatch before its step (e.g. random crops and flips). */
  augment?: AugmentHook;
}

export interface ResNetTrainOptions {
  /** Called after every evaluation with its record. */
  onRecord?: (record: EpochRecord) => void;
  /** Asked at every evaluation: true stops training there. */
  stopWhen?: (record: EpochRecord) => boolean;
}

/** Points per evaluation run: activations of (chunk, 8k, …) maps, kept to a few hundred MB at k = 64. */
const EVAL_CHUNK = 256;

export class ResNetTrainer {
  readonly geometry: ResNet18Geometry;
  /** Completed optimizer steps. */
  stepCount = 0;
  /** Learned tensors, optimizer state and running statistics, by graph input name. */
  private state = new Map<string, OrtTensor>();
  private readonly xTrain: Float32Array;
  private readonly xTest: Float32Array;
  private readonly order: Rng;

  private constructor(
    readonly k: number,
    readonly seed: number,
    readonly data: TrainingData,
    readonly settings: ResNetSettings,
    initial: ResNetState,
  ) {
    this.geometry = resnet18Geometry(k, data.input);
    this.xTrain = inDtype(data.xTrain, 'float32') as Float32Array;
    this.xTest = inDtype(data.xTest, 'float32') as Float32Array;
    this.order = new Rng(settings.dataSeed, Streams.batchOrder);
    for (const t of this.geometry.tensors) {
      this.state.set(t.name, tensor('float32', initial.params.get(t.name) as Float64Array, t.shape));
      for (const slot of stateSlots(settings.optimizer))
        this.state.set(stateName(slot, t.name), tensor('float32', new Float32Array(t.shape.reduce((a, b) => a * b, 1)), t.shape));
    }
    for (const [name, v] of initial.running) this.state.set(name, tensor('float32', v, [v.length]));
  }

  /** A trainer at the seeded initialisation (or at `initial`). */
  static async create(
    k: number,
    seed: number,
    data: TrainingData,
    settings: ResNetSettings,
    initial?: ResNetState,
  ): Promise<ResNetTrainer> {
    const geometry = resnet18Geometry(k, data.input);
    checkSettings(settings, geometry);
    checkData(data);
    return new ResNetTrainer(k, seed, data, settings, initial ?? initialResNet(geometry, seed, settings.init));
  }

  get trainCount(): number {
    return this.data.labelsTrain.length;
  }

  /**
   * One epoch of minibatch steps in a fresh seeded order; the last partial batch is kept unless it
   * would give a batch norm a single value per channel (one image whose last maps are 1×1).
   */
  async runEpoch(epoch: number): Promise<void> {
    const n = this.trainCount;
    const perm = this.order.permutation(n);
    const [fh, fw] = this.geometry.finalSize;
    for (let start = 0; start < n; start += this.settings.batchSize) {
      const batch = perm.subarray(start, Math.min(n, start + this.settings.batchSize));
      if (batch.length * fh * fw < 2) continue;
      await this.step(batch, epoch);
    }
  }

  /** One optimizer step on the training points `indices`; returns the batch's mean loss. */
  async step(indices: Int32Array, epoch: number): Promise<number> {
    const { optimizer, lr, engine } = this.settings;
    const session = await resnetStepSession(this.geometry, 'float32', optimizer, engine);
    const x = this.gather(this.xTrain, indices);
    this.settings.augment?.(x, indices.length, this.stepCount);
    let rate = lr * scheduleFactor(this.settings.schedule, this.stepCount, epoch);
    const feeds: Record<string, OrtTensor> = {
      ...Object.fromEntries(this.state),
      ...this.batchFeeds(x, Array.from(indices, (r) => this.data.labelsTrain[r])),
    };
    if (optimizer.name === 'adam') {
      const adam = adamRateFactor(optimizer, this.stepCount + 1);
      rate *= adam.lrFactor;
      feeds[ADAM_SCALE_INPUT] = tensor('float32', [adam.invSqrtBc2], []);
    }
    feeds[LR_INPUT] = tensor('float32', [rate], []);
    const out = await session.run(feeds);
    const loss = (out.loss.data as Float32Array)[0];
    if (!Number.isFinite(loss))
      throw new TrainingDivergedError(
        `training diverged: the loss of the resnet18 of width ${this.k} (learning rate ${lr}, seed ${this.seed}) ` +
          `became ${loss} at step ${this.stepCount + 1} (epoch ${epoch + 1}); lower the learning rate`,
      );
    for (const name of this.state.keys()) this.state.set(name, out[nextName(name)]);
    this.stepCount++;
    return loss;
  }

  /** Images `indices` of `source`, copied into one batch. */
  private gather(source: Float32Array, indices: ArrayLike<number>): Float32Array {
    const dim = this.data.input.dim;
    const x = new Float32Array(indices.length * dim);
    for (let i = 0; i < indices.length; i++) x.set(source.subarray(indices[i] * dim, (indices[i] + 1) * dim), i * dim);
    return x;
  }

  private batchFeeds(x: Float32Array, labels: ArrayLike<number>): Record<string, OrtTensor> {
    const size = labels.length;
    return {
      X: new Tensor('float32', x, [size, ...this.geometry.image]),
      Y: oneHotFeed('float32', labels, this.geometry.classes),
      invBatch: tensor('float32', [1 / size], []),
    };
  }

  /** Mean loss and zero-one error on a split, in evaluation mode (running statistics). */
  async lossAndError(which: 'train' | 'test'): Promise<{ loss: number; error: number }> {
    const session = await resnetEvalSession(this.geometry, 'float32', this.settings.engine);
    const x = which === 'train' ? this.xTrain : this.xTest;
    const labels = which === 'train' ? this.data.labelsTrain : this.data.labelsTest;
    const dim = this.data.input.dim;
    const params = Object.fromEntries(
      [...this.geometry.tensors.map((t) => t.name), ...runningNames(this.geometry)].map((n) => [n, this.state.get(n) as OrtTensor]),
    );
    let lossSum = 0;
    let correct = 0;
    const n = labels.length;
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const end = Math.min(n, start + EVAL_CHUNK);
      const out = await session.run({
        ...params,
        ...this.batchFeeds(x.subarray(start * dim, end * dim), labels.subarray(start, end)),
      });
      lossSum += (out.lossSum.data as Float32Array)[0];
      correct += (out.correct.data as Float32Array)[0];
    }
    return { loss: lossSum / n, error: (n - correct) / n };
  }

  /** The current learned tensors and running statistics (f64 copies). */
  parameters(): ResNetState {
    const copy = (names: string[]) =>
      new Map(names.map((n) => [n, Float64Array.from((this.state.get(n) as OrtTensor).data as Float32Array)]));
    return { params: copy(this.geometry.tensors.map((t) => t.name)), running: copy(runningNames(this.geometry)) };
  }

  /** ‖θ‖₂ over the learned tensors (not the running statistics). */
  parameterNorm(): number {
    let sum = 0;
    for (const t of this.geometry.tensors) for (const v of (this.state.get(t.name) as OrtTensor).data as Float32Array) sum += v * v;
    return Math.sqrt(sum);
  }

  /** Losses and errors on both splits after `epoch` epochs. */
  async evaluate(epoch: number): Promise<EpochRecord> {
    const train = await this.lossAndError('train');
    const test = await this.lossAndError('test');
    for (const [split, v] of [
      ['training', train.loss],
      ['test', test.loss],
    ] as const)
      if (!Number.isFinite(v))
        throw new TrainingDivergedError(
          `training diverged: the ${split}-set loss of the resnet18 of width ${this.k} (learning rate ` +
            `${this.settings.lr}, seed ${this.seed}) became ${v} at step ${this.stepCount} (epoch ${epoch}); lower the learning rate`,
        );
    return {
      epoch,
      step: this.stepCount,
      trainLoss: train.loss,
      trainError: train.error,
      testLoss: test.loss,
      testError: test.error,
      paramNorm: this.parameterNorm(),
    };
  }

  /** Trains for settings.epochs, evaluating every settings.evalEvery epochs and after the last one. */
  async train(options: ResNetTrainOptions = {}): Promise<EpochRecord[]> {
    const records: EpochRecord[] = [];
    const { epochs, evalEvery } = this.settings;
    for (let epoch = 0; epoch < epochs; epoch++) {
      await this.runEpoch(epoch);
      if ((epoch + 1) % evalEvery !== 0 && epoch !== epochs - 1) continue;
      const record = await this.evaluate(epoch + 1);
      records.push(record);
      options.onRecord?.(record);
      if (options.stopWhen?.(record)) break;
    }
    return records;
  }
}

function checkSettings(s: ResNetSettings, geometry: ResNet18Geometry): void {
  if (!(s.lr > 0 && Number.isFinite(s.lr))) throw new Error(`learning rate must be > 0, got ${s.lr}`);
  if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1))
    throw new Error(`batchSize must be a positive integer, got ${s.batchSize}`);
  const [fh, fw] = geometry.finalSize;
  if (s.batchSize * fh * fw < 2)
    throw new Error(
      `batchSize 1 with ${fh}×${fw} final maps gives batch norm one value per channel; use batchSize ≥ 2`,
    );
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1))
    throw new Error(`epochs must be a positive integer, got ${s.epochs}`);
  if (!(Number.isInteger(s.evalEvery) && s.evalEvery >= 1))
    throw new Error(`evalEvery must be a positive integer, got ${s.evalEvery}`);
  const threads = s.engine?.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
    throw new Error(`engine threads must be a positive integer, got ${threads}`);
}

function checkData(data: TrainingData): void {
  const { dim, classes } = data.input;
  for (const [split, x, labels] of [
    ['training', data.xTrain, data.labelsTrain],
    ['test', data.xTest, data.labelsTest],
  ] as const) {
    if (x.length !== labels.length * dim)
      throw new Error(`the ${split} images hold ${x.length} values, not ${labels.length} × ${dim}`);
    const bad = labels.findIndex((l) => l >= classes);
    if (bad >= 0) throw new Error(`${split} label ${labels[bad]} at ${bad} is not below the ${classes} classes`);
  }
  if (data.labelsTrain.length === 0) throw new Error('resnet18 training needs at least one training image');
}
