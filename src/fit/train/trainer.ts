// Trains an ensemble of networks side by side: every minibatch step is one run of the cached
// train-step graph (forward, backward and update of all members at once). Members share the data,
// the minibatch order, the batch size, the optimizer and the schedule; they may differ in width,
// initialisation seed and learning rate. An ensemble of one is plain training of one network.
import { Tensor } from '../../engine/ort.js';
import { Rng, Streams } from '../../engine/random.js';
import {
  ensemblePlan,
  weightMask,
  weightShape,
  type EnsemblePlan,
  type InputShape,
  type NetworkShape,
} from './ensemble-plan.js';
import { initialParameters, type InitScheme, type Parameters } from './initialize.js';
import { biasName, maskName, weightName, type Dtype, type LossKind } from './network-graph.js';
import { ADAM_SCALE_INPUT, adamRateFactor, stateSlots, type OptimizerConfig } from './optimizer.js';
import { scheduleFactor, type ScheduleConfig } from './schedule.js';
import {
  evaluationSession,
  gradientSession,
  lrBiasName,
  lrWeightName,
  lrWeightShape,
  nextName,
  stateName,
  subStep,
  trainStepSession,
} from './train-graphs.js';

type OrtTensor = InstanceType<typeof Tensor>;
type Floats = Float32Array | Float64Array;
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

/** Measures every member at an evaluation: named values, one per member. */
export type EpochProbe = (trainer: EnsembleTrainer) => Promise<Record<string, ArrayLike<number>>>;

export class TrainingDivergedError extends Error {}

const EVAL_CHUNK = 8192;

export class EnsembleTrainer {
  readonly plan: EnsemblePlan;
  /** Completed optimizer steps. */
  stepCount = 0;
  private params = new Map<string, OrtTensor>();
  private readonly masks = new Map<string, OrtTensor>();
  private readonly xTrain: Floats;
  private readonly xTest: Floats;
  private readonly order: Rng;
  private readonly frozen = new Set<number>();

  private constructor(
    readonly members: Member[],
    readonly data: TrainingData,
    readonly settings: TrainSettings,
    initial: Parameters,
  ) {
    this.plan = ensemblePlan(
      members.map((m) => m.shape),
      data.input,
    );
    const { dtype } = settings;
    this.xTrain = convert(data.xTrain, dtype);
    this.xTest = convert(data.xTest, dtype);
    this.order = new Rng(settings.dataSeed, Streams.batchOrder);
    this.plan.layers.forEach((layer, l) => {
      const shape = weightShape(layer);
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
      for (const [name, value] of Object.entries(this.batchFeeds(indices))) feeds[subStep(name, s)] = value;
      const t = this.stepCount + s;
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
    losses.forEach((loss, s) => {
      const bad = loss.findIndex((v) => !Number.isFinite(v));
      if (bad < 0) return;
      const m = this.members[bad];
      throw new TrainingDivergedError(
        `training diverged: the loss of the network of width ${m.shape.widths.join('-')} ` +
          `(learning rate ${m.lr}, seed ${m.seed}) became ${loss[bad]} at step ${this.stepCount + s + 1} ` +
          `(epoch ${epoch + 1}); lower the learning rate`,
      );
    });
    for (const name of this.params.keys()) this.params.set(name, out[nextName(name)]);
    this.stepCount += batches.length;
    return losses;
  }

  private stepSession(steps: number): Promise<Session> {
    const { dtype, loss, optimizer } = this.settings;
    return trainStepSession(this.plan, dtype, loss, optimizer, steps, this.settings.gradientPenalty ?? 0);
  }

  private batchFeeds(indices: Int32Array): Record<string, OrtTensor> {
    const { dtype } = this.settings;
    const { dim, classes, image } = this.data.input;
    const size = indices.length;
    const x = dtype === 'float32' ? new Float32Array(size * dim) : new Float64Array(size * dim);
    const y = dtype === 'float32' ? new Float32Array(size * classes) : new Float64Array(size * classes);
    indices.forEach((r, i) => {
      x.set(this.xTrain.subarray(r * dim, (r + 1) * dim), i * dim);
      y[i * classes + this.data.labelsTrain[r]] = 1;
    });
    const xShape = this.plan.family === 'cnn' && image ? [size, ...image] : [size, dim];
    return {
      X: new Tensor(dtype, x, xShape),
      Y: new Tensor(dtype, y, [size, 1, classes]),
      invBatch: tensor(dtype, [1 / size], []),
    };
  }

  private learningRates(factor: number): Record<string, OrtTensor> {
    const { dtype } = this.settings;
    const feeds: Record<string, OrtTensor> = {};
    this.plan.layers.forEach((layer, l) => {
      const rates = new Float64Array(layer.outTotal);
      for (let j = 0; j < layer.outTotal; j++) {
        const m = layer.owner[j];
        rates[j] = this.frozen.has(m) ? 0 : this.members[m].lr * factor;
      }
      feeds[lrWeightName(l)] = tensor(dtype, rates, lrWeightShape(layer));
      feeds[lrBiasName(l)] = tensor(dtype, rates, [layer.outTotal]);
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
    const train = await this.lossAndError(this.xTrain, this.data.labelsTrain);
    const test = await this.lossAndError(this.xTest, this.data.labelsTest);
    const norms = this.parameterNorms();
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

  /** Trains for settings.epochs, evaluating on schedule; returns each member's records. */
  async train(
    onRecord?: (epoch: number, records: EpochRecord[]) => void,
    probe?: EpochProbe,
  ): Promise<EpochRecord[][]> {
    const series: EpochRecord[][] = this.members.map(() => []);
    const { epochs, evalEvery } = this.settings;
    for (let epoch = 0; epoch < epochs; epoch++) {
      await this.runEpoch(epoch);
      if ((epoch + 1) % evalEvery === 0 || epoch === epochs - 1) {
        const records = await this.evaluate(epoch + 1);
        if (probe) {
          const values = Object.entries(await probe(this));
          records.forEach((r, m) => (r.probes = Object.fromEntries(values.map(([k, v]) => [k, v[m]]))));
        }
        records.forEach((r, m) => series[m].push(r));
        onRecord?.(epoch + 1, records);
      }
    }
    return series;
  }

  private async lossAndError(
    x: Floats,
    labels: Uint8Array,
  ): Promise<{ loss: Float64Array; error: Float64Array }> {
    const { dtype, loss: kind } = this.settings;
    const { dim, classes, image } = this.data.input;
    const session = await evaluationSession(this.plan, dtype, kind);
    const params: Record<string, OrtTensor> = {};
    this.plan.layers.forEach((_, l) => {
      params[weightName(l)] = this.params.get(weightName(l)) as OrtTensor;
      params[biasName(l)] = this.params.get(biasName(l)) as OrtTensor;
    });
    const lossSum = new Float64Array(this.members.length);
    const correct = new Float64Array(this.members.length);
    const n = labels.length;
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const chunk = x.subarray(start * dim, (start + size) * dim);
      const shape = this.plan.family === 'cnn' && image ? [size, ...image] : [size, dim];
      const y = dtype === 'float32' ? new Float32Array(size * classes) : new Float64Array(size * classes);
      for (let i = 0; i < size; i++) y[i * classes + labels[start + i]] = 1;
      const out = await session.run({
        ...params,
        X: new Tensor(dtype, chunk, shape),
        Y: new Tensor(dtype, y, [size, 1, classes]),
      });
      (out.lossSum.data as Floats).forEach((v, m) => (lossSum[m] += v));
      (out.correct.data as Floats).forEach((v, m) => (correct[m] += v));
    }
    return { loss: lossSum.map((v) => v / n), error: correct.map((v) => (n - v) / n) };
  }

  /** ‖θ‖₂ of each member: every weight belongs to the member owning its output unit. */
  parameterNorms(): Float64Array {
    const sums = new Float64Array(this.members.length);
    this.plan.layers.forEach((layer, l) => {
      const w = this.params.get(weightName(l))?.data as Floats;
      const b = this.params.get(biasName(l))?.data as Floats;
      const perUnit = w.length / layer.outTotal;
      for (let i = 0; i < w.length; i++) {
        const unit = layer.kind === 'dense' ? i % layer.outTotal : Math.floor(i / perUnit);
        sums[layer.owner[unit]] += w[i] * w[i];
      }
      for (let j = 0; j < b.length; j++) sums[layer.owner[j]] += b[j] * b[j];
    });
    return sums.map(Math.sqrt);
  }

  /** Loss and gradients of every member on the given training points (no update). */
  async gradients(indices: Int32Array): Promise<{ loss: Float64Array; grads: Parameters }> {
    return this.lossGradient(indices);
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
    const session = await gradientSession(this.plan, dtype, kind);
    const all = indices ?? Int32Array.from({ length: this.trainCount }, (_, i) => i);
    const params: Record<string, OrtTensor> = {};
    this.plan.layers.forEach((layer, l) => {
      params[weightName(l)] = at
        ? tensor(dtype, at.w[l], weightShape(layer))
        : (this.params.get(weightName(l)) as OrtTensor);
      params[biasName(l)] = at
        ? tensor(dtype, at.b[l], [layer.outTotal])
        : (this.params.get(biasName(l)) as OrtTensor);
    });
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
    this.frozen.add(m);
  }

  get frozenCount(): number {
    return this.frozen.size;
  }

  /** Replaces the parameters (the optimizer state is kept). */
  setParameters(p: Parameters): void {
    const { dtype } = this.settings;
    this.plan.layers.forEach((layer, l) => {
      this.params.set(weightName(l), tensor(dtype, p.w[l], weightShape(layer)));
      this.params.set(biasName(l), tensor(dtype, p.b[l], [layer.outTotal]));
    });
  }
}

function convert(x: Floats, dtype: Dtype): Floats {
  if (dtype === 'float32') return x instanceof Float32Array ? x : Float32Array.from(x);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

function tensor(dtype: Dtype, values: ArrayLike<number>, dims: number[]): OrtTensor {
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return new Tensor(dtype, data, dims);
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
  if (!(Number.isInteger(s.stepsPerRun) && s.stepsPerRun >= 1))
    throw new Error(`stepsPerRun must be a positive integer, got ${s.stepsPerRun}`);
  if (!(Number.isInteger(s.evalEvery) && s.evalEvery >= 1))
    throw new Error(`evalEvery must be a positive integer, got ${s.evalEvery}`);
}
