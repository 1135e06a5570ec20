// Trains one network per width (and seed) on the same data and procedure and returns each one's
// per-epoch records. One-hidden-layer MLPs of all widths train side by side as one ensemble (one
// graph run per step for the whole sweep; the head is segmented, k·K weights per member and one
// MatMul per run of equal widths, ensemble-plan.ts).
// Deeper MLPs train one width at a time with its seeds as the members of a stacked ensemble: a
// block-diagonal k×k layer would cost the sum of all widths squared instead of each width's own.
// CNNs train one network at a time, because block-diagonal convolutions would spend most of their
// work on the zeros between members, and a width's seeds as one grouped-convolution network
// (ensemble-plan.ts) measured no faster than the seeds one after another (bench cnn-ensemble:
// ONNX Runtime runs a grouped conv group by group). The 1-D CNN trains one width at a time with its seeds as the
// members of a masked ensemble: its layers are matrix products whose masked blocks cost M times
// each member's own work, which for a few seeds of small networks beats a graph run per network.
import { Rng, Streams } from '../../engine/random.js';
import type { EngineSettings } from '../../engine/session-cache.js';
import { ensemblePlan } from '../../fit/train/ensemble-plan.js';
import { parameterCount } from '../../models/network.js';
import type { Parameters } from '../../fit/train/initialize.js';
import {
  EnsembleTrainer,
  type EpochRecord,
  type Member,
  type TrainingData,
} from '../../fit/train/trainer.js';
import { epochProbe } from '../../probes/gradient-regularization.js';
import { dataSeedOf, networkShapeOf, trainSettings, type TrainingConfig } from '../common/training-config.js';
import { resnetSettingsOf, trainResNetWidths } from './resnet-widths.js';
import type { RunContext } from '../preset.js';

export interface WidthRun {
  width: number;
  parameters: number;
  /** Init seed of this network. */
  seed: number;
  /** Which of trainWidths' `variants` this network belongs to (0 without variants). */
  variant?: number;
  records: EpochRecord[];
  /** What `finalProbe` measured on this network after its last epoch, by name. */
  final?: Record<string, number>;
}

/**
 * The networks of one configuration that differ only per member: its widths, init seed and base
 * learning rate. Variants of configurations that share data, batch order and procedure train as
 * one ensemble (sweep trials merged into one run, merged-widths.ts).
 */
export interface WidthVariant {
  widths: number[];
  seed: number;
  lr: number;
}

/** Measures every member of a trained ensemble once, after its last epoch: named values per member. */
export type FinalProbe = (trainer: EnsembleTrainer) => Promise<Record<string, ArrayLike<number>>>;

export async function trainWidths(
  config: TrainingConfig,
  data: TrainingData,
  options: {
    /** Init seeds: every width is trained once per seed (default: the config's seed). */
    seeds?: number[];
    /**
     * Instead of `seeds`: several variants, each its own widths, seed and learning rate (the
     * config's widths, seed and lr are then not used). Not with weight reuse.
     */
    variants?: WidthVariant[];
    onEpoch?: (done: number, total: number) => void;
    /** Every evaluation's records, with the widths and seeds of the group that made them (the lab's live curves). */
    onRecords?: (epoch: number, members: { width: number; seed: number }[], records: EpochRecord[]) => void;
    /** ORT threads of each width's trainer (default: the engine's). */
    engineFor?: (width: number) => EngineSettings;
    /** Measured on each trained ensemble after its last epoch (kept in each run's `final`). */
    finalProbe?: FinalProbe;
  } = {},
): Promise<WidthRun[]> {
  if (options.variants && (options.seeds || config.reuse))
    throw new Error('trainWidths: variants exclude seeds and weight reuse');
  const variants =
    options.variants ??
    (options.seeds ?? [config.seed]).map((seed) => ({ widths: config.widths, seed, lr: config.lr }));
  const seeds = variants.map((v) => v.seed);
  if (config.family === 'resnet18') {
    if (options.variants)
      throw new Error('trainWidths: resnet18 trials are not merged (one network at a time)');
    if (options.finalProbe || config.probes.length || config.reuse) {
      throw new Error('resnet18 widths take no probes and no weight reuse');
    }
    const engine = options.engineFor?.(config.widths[0]);
    const settings = resnetSettingsOf(trainSettings(config), config.lr, data.input.image, engine);
    return trainResNetWidths(config.widths, seeds, data, settings, options);
  }
  type Tagged = Member & { variant: number };
  const member = (w: number, v: number): Tagged => ({
    shape: networkShapeOf(config, w),
    seed: variants[v].seed,
    lr: variants[v].lr,
    variant: v,
  });
  // Every width of any variant, in the order of first appearance (one variant: the config's order).
  const allWidths = [...new Set(variants.flatMap((v) => v.widths))];
  // Members of width w: one per variant that has it, in variant order.
  const ofWidth = (w: number) => variants.flatMap((v, i) => (v.widths.includes(w) ? [member(w, i)] : []));
  // Weight reuse grows each network below the threshold from the previous one: those train in turn.
  const grown = config.reuse
    ? config.widths.filter(
        (w) =>
          parameterCount(networkShapeOf(config, w), data.input) <
          data.labelsTrain.length * data.input.classes,
      )
    : [];
  const rest = allWidths.filter((w) => !grown.includes(w));
  const together = rest.flatMap(ofWidth);
  const groups: { members: Tagged[]; grownFrom?: number }[] = [
    ...seeds.flatMap((_, v) =>
      grown.map((w, i) => ({ members: [member(w, v)], grownFrom: i > 0 ? grown[i - 1] : undefined })),
    ),
    ...(config.family === 'cnn'
      ? together.map((m) => ({ members: [m] }))
      : config.depth >= 2 || config.family === 'cnn1d'
        ? rest.map((w) => ({ members: ofWidth(w) }))
        : together.length
          ? [{ members: together }]
          : []),
  ];
  const base = trainSettings(config);
  // Progress in epochs: each group counts its own epochs, so done reaches total at the very end.
  const total = groups.length * config.epochs;
  const runs: WidthRun[] = [];
  const trained = new Map<string, Parameters>();
  for (const [g, { members: group, grownFrom }] of groups.entries()) {
    const m0 = group[0];
    const start =
      grownFrom === undefined
        ? undefined
        : grownNetwork(trained.get(`${grownFrom} ${m0.seed}`) as Parameters, m0, data);
    const width = m0.shape.widths[0];
    const settings = options.engineFor ? { ...base, engine: options.engineFor(width) } : base;
    const trainer = await EnsembleTrainer.create(
      group.map(({ variant: _v, ...m }) => m),
      data,
      settings,
      start,
    );
    const probe = config.probes.length
      ? epochProbe(config.probes, config.batchSize, dataSeedOf(config))
      : undefined;
    const series = await trainer.train({
      onRecord: (epoch, records) => {
        options.onRecords?.(
          epoch,
          group.map((m) => ({ width: m.shape.widths[0], seed: m.seed })),
          records,
        );
        options.onEpoch?.(g * config.epochs + epoch, total);
      },
      probe,
    });
    if (grownFrom !== undefined || grown.includes(m0.shape.widths[0])) {
      trained.set(`${m0.shape.widths[0]} ${m0.seed}`, trainer.parameters());
    }
    const final = options.finalProbe ? Object.entries(await options.finalProbe(trainer)) : undefined;
    group.forEach((m, i) =>
      runs.push({
        width: m.shape.widths[0],
        parameters: parameterCount(m.shape, data.input),
        seed: m.seed,
        variant: m.variant,
        records: series[i],
        ...(final && { final: Object.fromEntries(final.map(([k, v]) => [k, v[i]])) }),
      }),
    );
  }
  return runs.sort((a, b) => a.width - b.width || a.seed - b.seed || (a.variant ?? 0) - (b.variant ?? 0));
}

/**
 * Every width trains on one ORT thread, wherever it runs: on 2 shared cores a second intra-op
 * thread made even the width-400 steps slower (it splits 100×400 GEMMs and synchronises per node),
 * and one count everywhere keeps the numbers identical however the run is split.
 */
export const ENGINE: EngineSettings = { threads: 1 };

/** Relative cost of an MLP width's training: its weights (the flops per sample) plus a per-step overhead. */
const widthCost = (h: number) => h * h + 52 * h + 10 + 20_000;

/**
 * The widths split into `lanes` parts of about equal cost, largest first onto the lightest lane
 * (LPT scheduling); each part keeps its widths in ascending order.
 */
export function widthLanes(
  widths: number[],
  lanes: number,
  cost: (width: number) => number = widthCost,
): number[][] {
  const parts = Array.from({ length: Math.min(lanes, widths.length) }, () => ({
    cost: 0,
    widths: [] as number[],
  }));
  for (const w of [...widths].sort((a, b) => cost(b) - cost(a))) {
    const lightest = parts.reduce((a, p) => (p.cost < a.cost ? p : a));
    lightest.cost += cost(w);
    lightest.widths.push(w);
  }
  return parts.map((p) => p.widths.sort((a, b) => a - b));
}

/**
 * A width preset's run: its widths split into lanes of about equal cost, one part per lane through
 * runParts (worker threads, one per core), or all in this process when it has no lanes.
 */
export async function widthRunsInLanes<C extends { widths: number[] }>(
  name: string,
  config: C,
  context: Pick<RunContext, 'loadDataset' | 'onProgress' | 'runParts' | 'partLanes'>,
  trainPart: (part: C, context: Pick<RunContext, 'loadDataset' | 'onProgress'>) => Promise<WidthRun[]>,
  cost?: (width: number) => number,
): Promise<WidthRun[]> {
  const lanes = context.partLanes ?? 1;
  if (!context.runParts || lanes <= 1 || config.widths.length <= 1) return trainPart(config, context);
  const parts = widthLanes(config.widths, lanes, cost).map((widths) => ({ ...config, widths }));
  const runs = (await context.runParts(name, parts, context.onProgress)) as WidthRun[][];
  return runs.flat().sort((a, b) => a.width - b.width || a.seed - b.seed);
}

/** Belkin's reuse: the trained narrower net's units, plus new units with weights from N(0, 0.01). */
export function grownNetwork(narrow: Parameters, member: Member, data: TrainingData): Parameters {
  const plan = ensemblePlan([member.shape], data.input);
  const [d, k, classes] = [data.input.dim, member.shape.widths[0], data.input.classes];
  const kOld = narrow.b[0].length;
  const rng = new Rng(member.seed, Streams.grownUnits);
  const w0 = new Float64Array(d * k);
  const w1 = new Float64Array(k * classes);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < k; j++) w0[i * k + j] = j < kOld ? narrow.w[0][i * kOld + j] : 0.1 * rng.normal();
  for (let j = 0; j < k; j++)
    for (let c = 0; c < classes; c++)
      w1[j * classes + c] = j < kOld ? narrow.w[1][j * classes + c] : 0.1 * rng.normal();
  const b0 = new Float64Array(k);
  b0.set(narrow.b[0]);
  if (plan.layers.length !== 2) throw new Error('weight reuse is defined for one-hidden-layer MLPs');
  return { w: [w0, w1], b: [b0, Float64Array.from(narrow.b[1])] };
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
