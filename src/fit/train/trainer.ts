// Trains an ensemble of networks side by side: every minibatch step is one run of the cached
// train-step graph (forward, backward and update of all members at once). Members share the data,
// the minibatch order, the batch size, the optimizer and the schedule; they may differ in width,
// initialisation seed and learning rate. An ensemble of one is plain training of one network.
import {
  augmentOptionsFor,
  minibatchAugmenter,
  type AugmentSetting,
  type MinibatchTransform,
} from '../../data/augment.js';
import { Tensor } from '../../engine/ort.js';
import { Rng, Streams } from '../../engine/random.js';
import type { EngineSettings } from '../../engine/session-cache.js';
import { lossAndError } from '../../probes/evaluation.js';
import { parameterNorms } from '../../probes/parameter-norm.js';
import {
  ensemblePlan,
  memberBroadcast,
  weightMask,
  weightShape,
  type EnsemblePlan,
  type InputShape,
  type NetworkShape,
} from './ensemble-plan.js';
import { initialParameters, type InitScheme, type Parameters } from './initialize.js';
import {
  inDtype,
  inputDims,
  oneHotFeed,
  parameterFeeds,
  tensor,
  type Floats,
  type OrtTensor,
} from './graph-tensors.js';
import { biasName, maskName, weightName, type Dtype, type LossKind } from './network-graph.js';
import { ADAM_SCALE_INPUT, adamRateFactor, stateSlots, type OptimizerConfig } from './optimizer.js';
import { scheduleFactor, type ScheduleConfig } from './schedule.js';
import {
  gradientSession,
  lrBiasName,
  lrWeightName,
  nextName,
  stateName,
  subStep,
  trainStepSession,
} from './train-graphs.js';
import type { EpochProbe, Split, TrainedNetworks } from './trained-networks.js';

type Session = Awaited<ReturnType<typeof trainStepSession>>;

export interface TrainingData {
  /** Row-major (count × dim) features; labels in [0, classes). */
  xTrain: Floats;
  labelsTrain: Uint8Array;
  xTest: Floats;
  labelsTest: Uint8Array;
  input: InputShape;
}

export interface TrainSettings {
  loss: LossKind;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  epochs: number;
  batchSize: number;
  init: InitScheme;
  /** Seed of the minibatch order (shared by all members). */
  dataSeed: number;
  /** Evaluate every this many epochs (the last epoch is always evaluated). */
  evalEvery: number;
  /** float32 for training; float64 for gradient checks. */
  dtype: Dtype;
  /** Optimizer steps per graph run (see trainStepSession); the numbers do not depend on it. */
  stepsPerRun: number;
  /** μ of explicit gradient regularization, training on E + μ·R_IG (0 or absent: none; one network only). */
  gradientPenalty?: number;
  /**
   * ρ of sharpness-aware minimization: the optimizer steps with the gradient at θ + ρ·g/‖g‖
   * (0 or absent: none; per member in an ensemble). See sharpness-aware.ts.
   */
  sam?: number;
  /** ORT threads of this trainer's sessions (default: the engine's). */
  engine?: EngineSettings;
  /** Layers after the first block-diagonal with masks instead of stacked, grouped or segmented (PlanOptions). */
  maskedLayout?: boolean;
  /**
   * Data augmentation of each training minibatch before its step (src/data/augment.ts; absent or
   * 'off': none). Its draws are seeded by dataSeed and the step, shared by all members like the
   * minibatch order. Evaluation, gradients and probes never see augmented inputs.
   */
  augment?: AugmentSetting;
}

export interface Member {
  shape: NetworkShape;
  /** Initialisation seed. */
  seed: number;
  /** Base learning rate (the schedule multiplies it). */
  lr: number;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  trainLoss: number;
  trainError: number;
  testLoss: number;
  testError: number;
  paramNorm: number;
  /** Extra measurements taken at this evaluation (e.g. R_IG, sharpness), by name. */
  probes?: Record<string, number>;
}

export interface TrainOptions {
  /** Called after every evaluation with its epoch (1-based) and every member's record. */
  onRecord?: (epoch: number, records: EpochRecord[]) => void;
  /** Extra measurements at every evaluation, kept in each record's `probes`. */
  probe?: EpochProbe;
  /**
   * Asked at every evaluation for each member still training: true stops member m there (it is
   * frozen, see freeze; the others go on). Training ends when every member has stopped.
   */
  stopWhen?: (record: EpochRecord, member: number) => boolean;
  /**
   * Checked after every epoch, not only at evaluations: a member stops (is frozen) after the first
   * epoch whose training-set loss is at most this, and that epoch is evaluated, so the member's last
   * record is where it stopped. Where it stops does not depend on evalEvery.
   */
  targetTrainLoss?: number;
}

export class TrainingDivergedError extends Error {}

const EVAL_CHUNK = 8192;

export class EnsembleTrainer implements TrainedNetworks {
  readonly plan: EnsemblePlan;
  /** Completed optimizer steps. */
  stepCount = 0;
  private params = new Map<string, OrtTensor>();
  private readonly masks = new Map<string, OrtTensor>();
  private readonly xTrain: Floats;
  private readonly xTest: Floats;
  private readonly order: Rng;
  /** The minibatch transform (undefined: no augmentation). */
  private readonly augment?: MinibatchTransform;
  /** Frozen members, with the step count at which each was frozen. */
  private readonly frozen = new Map<number, number>();

  private constructor(
    readonly members: Member[],
    readonly data: TrainingData,
    readonly settings: TrainSettings,
    initial: Parameters,
  ) {
    this.plan = ensemblePlan(
      members.map((m) => m.shape),
      data.input,
      { masked: settings.maskedLayout },
    );
    const { dtype } = settings;
    this.xTrain = inDtype(data.xTrain, dtype);
    this.xTest = inDtype(data.xTest, dtype);
    this.order = new Rng(settings.dataSeed, Streams.batchOrder);
    const image = data.input.image;
    const augment = augmentOptionsFor(settings.augment ?? 'off', image);
    if (augment && image) this.augment = minibatchAugmenter(image, augment, settings.dataSeed);
    this.plan.layers.forEach((layer, l) => {
      const shape = weightShape(layer);
      const size = shape.reduce((a, b) => a * b, 1);
      if (initial.w[l]?.length !== size || initial.b[l]?.length !== layer.outTotal)
        throw new Error(
          `initial parameters of layer ${l} have ${initial.w[l]?.length} weights and ${initial.b[l]?.length} biases; ` +
            `the ensemble's layout (${shape.join('×')}) needs ${size} and ${layer.outTotal}`,
        );
      this.params.set(weightName(l), tensor(dtype, initial.w[l], shape));
      this.params.set(biasName(l), tensor(dtype, initial.b[l], [layer.outTotal]));
      for (const slot of stateSlots(settings.optimizer)) {
        this.params.set(
          stateName(slot, weightName(l)),
          tensor(dtype, new Float64Array(initial.w[l].length), shape),
        );
        this.params.set(
          stateName(slot, biasName(l)),
          tensor(dtype, new Float64Array(layer.outTotal), [layer.outTotal]),
        );
      }
      const mask = weightMask(layer, members.length);
      if (mask) this.masks.set(maskName(l), tensor(dtype, mask, shape));
    });
  }

  /** A trainer at the seeded initialisation, or at `initial` parameters (e.g. grown from a narrower net). */
  static async create(
    members: Member[],
    data: TrainingData,
    settings: TrainSettings,
    initial?: Parameters,
  ): Promise<EnsembleTrainer> {
    checkSettings(members, settings);
    const plan = ensemblePlan(
      members.map((m) => m.shape),
      data.input,
      { masked: settings.maskedLayout },
    );
    const start =
      initial ??
      initialParameters(
        plan,
        members.map((m) => m.seed),
        settings.init,
      );
    return new EnsembleTrainer(members, data, settings, start);
  }

  get trainCount(): number {
    return this.data.labelsTrain.length;
  }

  split(which: Split): { x: Floats; labels: Uint8Array } {
    return which === 'train'
      ? { x: this.xTrain, labels: this.data.labelsTrain }
      : { x: this.xTest, labels: this.data.labelsTest };
  }

  /** One epoch of minibatch steps in a fresh seeded order; the last partial batch is kept. */
  async runEpoch(epoch: number): Promise<void> {
    const n = this.trainCount;
    const perm = this.order.permutation(n);
    const batches: Int32Array[] = [];
    for (let start = 0; start < n; start += this.settings.batchSize) {
      batches.push(perm.subarray(start, Math.min(n, start + this.settings.batchSize)));
    }
    const k = this.settings.stepsPerRun;
    let i = 0;
    // Full batches up to k at a time through an unrolled graph (the same graph every epoch: k, then
    // the remainder), and a last partial batch on its own (graph inputs have one batch size).
    while (i < batches.length) {
      const full = batches.slice(i, i + k).filter((b) => b.length === this.settings.batchSize);
      const group = full.length > 0 ? full : batches.slice(i, i + 1);
      await this.steps(group, epoch);
      i += group.length;
    }
  }

  /** One optimizer step on the training points `indices`; returns each member's batch loss. */
  async step(indices: Int32Array, epoch: number): Promise<Float64Array> {
    return (await this.steps([indices], epoch))[0];
  }

  /** Consecutive optimizer steps (batches of equal size) in one graph run. */
  private async steps(batches: Int32Array[], epoch: number): Promise<Float64Array[]> {
    const { dtype, optimizer } = this.settings;
    const session = await this.stepSession(batches.length);
    const feeds: Record<string, OrtTensor> = {
      ...Object.fromEntries(this.params),
      ...Object.fromEntries(this.masks),
    };
    batches.forEach((indices, s) => {
      const t = this.stepCount + s;
      const batch = this.batchFeeds(indices);
      // batchFeeds copied the rows, so augmenting in place leaves the training set as it is.
      this.augment?.(batch.X.data as Floats, indices.length, t);
      for (const [name, value] of Object.entries(batch)) feeds[subStep(name, s)] = value;
      let lrFactor = scheduleFactor(this.settings.schedule, t, epoch);
      if (optimizer.name === 'adam') {
        const adam = adamRateFactor(optimizer, t + 1);
        lrFactor *= adam.lrFactor;
        feeds[subStep(ADAM_SCALE_INPUT, s)] = tensor(dtype, [adam.invSqrtBc2], []);
      }
      for (const [name, value] of Object.entries(this.learningRates(lrFactor)))
        feeds[subStep(name, s)] = value;
    });
    const out = await session.run(feeds);
    const losses = batches.map((_, s) => Float64Array.from(out[subStep('loss', s)].data as Floats));
    losses.forEach((loss, s) =>
      this.checkFinite(loss, `at step ${this.stepCount + s + 1} (epoch ${epoch + 1})`),
    );
    for (const name of this.params.keys()) this.params.set(name, out[nextName(name)]);
    this.stepCount += batches.length;
    return losses;
  }

  private stepSession(steps: number): Promise<Session> {
    const { dtype, loss, optimizer } = this.settings;
    return trainStepSession(
      this.plan,
      dtype,
      loss,
      optimizer,
      steps,
      this.settings.gradientPenalty ?? 0,
      this.settings.engine,
      this.settings.sam ?? 0,
    );
  }

  private batchFeeds(indices: Int32Array): Record<string, OrtTensor> {
    const { dtype } = this.settings;
    const { dim, classes } = this.data.input;
    const size = indices.length;
    const x = dtype === 'float32' ? new Float32Array(size * dim) : new Float64Array(size * dim);
    indices.forEach((r, i) => x.set(this.xTrain.subarray(r * dim, (r + 1) * dim), i * dim));
    return {
      X: new Tensor(dtype, x, inputDims(this.plan, size)),
      Y: oneHotFeed(
        dtype,
        Array.from(indices, (r) => this.data.labelsTrain[r]),
        classes,
      ),
      invBatch: tensor(dtype, [1 / size], []),
    };
  }

  /** The last learning-rate feeds and what they were made for: a constant schedule reuses them. */
  private rates?: { key: string; feeds: Record<string, OrtTensor> };

  private learningRates(factor: number): Record<string, OrtTensor> {
    const key = `${factor} ${[...this.frozen.keys()].join(',')}`;
    if (this.rates?.key === key) return this.rates.feeds;
    const { dtype } = this.settings;
    const feeds: Record<string, OrtTensor> = {};
    const rate = (m: number) => (this.frozen.has(m) ? 0 : this.members[m].lr * factor);
    this.plan.layers.forEach((layer, l) => {
      const { owner, shape } = memberBroadcast(layer);
      feeds[lrWeightName(l)] = tensor(dtype, Float64Array.from(owner, rate), shape);
      feeds[lrBiasName(l)] = tensor(dtype, Float64Array.from(layer.owner, rate), [layer.outTotal]);
    });
    this.rates = { key, feeds };
    return feeds;
  }

  /** The current weight and bias tensors, by graph input name. */
  private currentParameters(): Record<string, OrtTensor> {
    const feeds: Record<string, OrtTensor> = {};
    this.plan.layers.forEach((_, l) => {
      for (const name of [weightName(l), biasName(l)]) feeds[name] = this.params.get(name) as OrtTensor;
    });
    return feeds;
  }

  /** The current parameters (f64 copies) in the ensemble layout. */
  parameters(): Parameters {
    return {
      w: this.plan.layers.map((_, l) => Float64Array.from(this.params.get(weightName(l))?.data as Floats)),
      b: this.plan.layers.map((_, l) => Float64Array.from(this.params.get(biasName(l))?.data as Floats)),
    };
  }

  /** Losses, zero-one errors and parameter norms of every member on the train and test sets. */
  async evaluate(epoch: number): Promise<EpochRecord[]> {
    const train = await lossAndError(this, 'train');
    const test = await lossAndError(this, 'test');
    const norms = parameterNorms(this);
    // The last step's loss was taken before its update: non-finite parameters show up only here.
    const when = `at step ${this.stepCount} (epoch ${epoch})`;
    this.checkFinite(train.loss, `${when} on the training set`);
    this.checkFinite(test.loss, `${when} on the test set`);
    return this.members.map((_, m) => ({
      epoch,
      step: this.stepCount,
      trainLoss: train.loss[m],
      trainError: train.error[m],
      testLoss: test.loss[m],
      testError: test.error[m],
      paramNorm: norms[m],
    }));
  }

  /** Throws TrainingDivergedError naming the first member whose loss is not finite. */
  private checkFinite(loss: Float64Array, when: string): void {
    const bad = loss.findIndex((v) => !Number.isFinite(v));
    if (bad < 0) return;
    const m = this.members[bad];
    throw new TrainingDivergedError(
      `training diverged: the loss of the network of width ${m.shape.widths.join('-')} ` +
        `(learning rate ${m.lr}, seed ${m.seed}) became ${loss[bad]} ${when}; lower the learning rate`,
    );
  }

  /**
   * Trains for settings.epochs, evaluating every settings.evalEvery epochs and after the last one;
   * stops early when `stopWhen` has stopped every member. Returns each member's records.
   */
  async train(options: TrainOptions = {}): Promise<EpochRecord[][]> {
    const { onRecord, probe, stopWhen, targetTrainLoss } = options;
    if (targetTrainLoss !== undefined && !(targetTrainLoss >= 0))
      throw new Error(`targetTrainLoss must be a number ≥ 0, got ${targetTrainLoss}`);
    const series: EpochRecord[][] = this.members.map(() => []);
    const { epochs, evalEvery } = this.settings;
    for (let epoch = 0; epoch < epochs && this.frozen.size < this.members.length; epoch++) {
      await this.runEpoch(epoch);
      const reached = targetTrainLoss === undefined ? [] : await this.reachedTarget(targetTrainLoss);
      if ((epoch + 1) % evalEvery !== 0 && epoch !== epochs - 1 && reached.length === 0) continue;
      const records = await this.evaluate(epoch + 1);
      if (probe) {
        const values = Object.entries(await probe(this));
        records.forEach((r, m) => (r.probes = Object.fromEntries(values.map(([k, v]) => [k, v[m]]))));
      }
      records.forEach((r, m) => series[m].push(r));
      records.forEach((r, m) => {
        if (stopWhen && !this.frozen.has(m) && stopWhen(r, m)) this.freeze(m);
      });
      reached.forEach((m) => this.freeze(m));
      onRecord?.(epoch + 1, records);
    }
    return series;
  }

  /** The members still training whose training-set loss is at most `target`. */
  private async reachedTarget(target: number): Promise<number[]> {
    const { loss } = await lossAndError(this, 'train');
    return this.members.flatMap((_, m) => (!this.frozen.has(m) && loss[m] <= target ? [m] : []));
  }

  /**
   * Mean loss and gradient of every member over `indices` (default: the whole training set), at
   * the parameters `at` (default: the current ones), in chunks of EVAL_CHUNK points.
   */
  async lossGradient(
    indices?: Int32Array,
    at?: Parameters,
  ): Promise<{ loss: Float64Array; grads: Parameters }> {
    const { dtype, loss: kind } = this.settings;
    const session = await gradientSession(this.plan, dtype, kind, this.settings.engine);
    const all = indices ?? Int32Array.from({ length: this.trainCount }, (_, i) => i);
    const params = at ? parameterFeeds(this.plan, dtype, at) : this.currentParameters();
    const loss = new Float64Array(this.members.length);
    const grads: Parameters = {
      w: this.plan.layers.map((layer) => new Float64Array(weightShape(layer).reduce((a, b) => a * b, 1))),
      b: this.plan.layers.map((layer) => new Float64Array(layer.outTotal)),
    };
    for (let start = 0; start < all.length; start += EVAL_CHUNK) {
      const chunk = all.subarray(start, Math.min(all.length, start + EVAL_CHUNK));
      // Each chunk's mean is weighted by its share of the points: 1/|all| instead of 1/|chunk|.
      const feeds = { ...params, ...Object.fromEntries(this.masks), ...this.batchFeeds(chunk) };
      feeds.invBatch = tensor(dtype, [1 / all.length], []);
      const out = await session.run(feeds);
      (out.loss.data as Floats).forEach((v, m) => (loss[m] += v));
      this.plan.layers.forEach((_, l) => {
        const gw = out[`grad_${weightName(l)}`].data as Floats;
        const gb = out[`grad_${biasName(l)}`].data as Floats;
        for (let i = 0; i < gw.length; i++) grads.w[l][i] += gw[i];
        for (let i = 0; i < gb.length; i++) grads.b[l][i] += gb[i];
      });
    }
    return { loss, grads };
  }

  /**
   * Stops updating member m (its learning rate becomes 0): an ensemble trained "until each member
   * converges" freezes members one by one while the others go on, exactly as if each stopped alone.
   */
  freeze(m: number): void {
    if (!this.frozen.has(m)) this.frozen.set(m, this.stepCount);
  }

  /** The step count at which member m was frozen (undefined while it trains). */
  frozenAtStep(m: number): number | undefined {
    return this.frozen.get(m);
  }
}

function checkSettings(members: Member[], s: TrainSettings): void {
  members.forEach((m) => {
    if (!(m.lr > 0 && Number.isFinite(m.lr))) throw new Error(`learning rate must be > 0, got ${m.lr}`);
  });
  if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1))
    throw new Error(`batchSize must be a positive integer, got ${s.batchSize}`);
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1))
    throw new Error(`epochs must be a positive integer, got ${s.epochs}`);
  const mu = s.gradientPenalty ?? 0;
  if (!(mu >= 0 && Number.isFinite(mu))) throw new Error(`gradient penalty μ must be ≥ 0, got ${mu}`);
  if (mu > 0 && members.length > 1)
    throw new Error('explicit gradient regularization trains one network at a time');
  const rho = s.sam ?? 0;
  if (!(rho >= 0 && Number.isFinite(rho)))
    throw new Error(`SAM radius ρ (sam) must be a finite number ≥ 0, got ${rho}`);
  if (rho > 0 && mu > 0)
    throw new Error('SAM (sam) and explicit gradient regularization (gradientPenalty) cannot be combined');
  if (!(Number.isInteger(s.stepsPerRun) && s.stepsPerRun >= 1))
    throw new Error(`stepsPerRun must be a positive integer, got ${s.stepsPerRun}`);
  const threads = s.engine?.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
    throw new Error(`engine threads must be a positive integer, got ${threads}`);
  if (!(Number.isInteger(s.evalEvery) && s.evalEvery >= 1))
    throw new Error(`evalEvery must be a positive integer, got ${s.evalEvery}`);
}
