// Belkin, Hsu, Ma & Mandal 2018, Fig. 4: a network with one hidden layer of H units on an MNIST
// subset (n = 4000, K = 10 classes), squared loss on one-hot targets, SGD; test zero-one and
// squared loss against the parameter count (d + 1)·H + (H + 1)·K, peaking at the interpolation
// threshold n·K. Below the threshold Belkin et al. grow each network from the trained next-narrower
// one ("weight reuse"); beyond it every network starts afresh. This preset trains both ways below
// the threshold, so the figure shows what reuse changes: networks beyond the threshold are the same
// in both (fresh initialisation either way) and are trained once.
import { z } from 'zod';
import { alignedLines } from '../common/aligned-lines.js';
import { spreadNote } from '../common/seed-spread.js';
import {
  trainingBytes,
  trainingData,
  trainingFields,
  type TrainingConfig,
} from '../common/training-config.js';
import { networkShape, parameterCount } from '../../models/network.js';
import { definePreset, type Row } from '../preset.js';
import { widthRows, widthSeries } from './width-curve.js';
import { trainWidths } from './width-sweep.js';

/**
 * Hidden widths whose parameter counts on MNIST (795·H + 10) run from 3·10³ to 8·10⁵, dense around
 * the threshold n·K = 4·10⁴ (H ≈ 50), like the x axis of Belkin et al.'s figure.
 */
const BELKIN_WIDTHS = [4, 6, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 85, 100, 150, 250, 500, 1000];

const {
  reuse: _reuse,
  family: _family,
  depth: _depth,
  ...fields
} = trainingFields({
  dataset: 'mnist',
  n: 4000,
  nTest: 5000,
  labelNoise: 0,
  widths: BELKIN_WIDTHS,
  epochs: 200,
  batchSize: 128,
  optimizer: 'sgd',
  lr: 0.01,
  momentum: 0.95,
  loss: 'squared',
  init: 'glorot',
  evalEvery: 20,
});

// The network is always one hidden layer, so family, depth and reuse are not fields here.
export const belkinMlpSchema = z.strictObject(fields);

export type BelkinMlpConfig = z.output<typeof belkinMlpSchema>;

/** The training configuration of one of the two variants (the network is always one hidden layer). */
function variant(config: BelkinMlpConfig, reuse: boolean, widths: number[]): TrainingConfig {
  return { ...config, family: 'mlp', depth: 1, reuse, widths };
}

/** Rows of both variants: `reuse` 1 below the threshold with reuse, 0 for fresh initialisation. */
function rowsOf(reuseRows: Row[], freshRows: Row[], thresholdParameters: number): Row[] {
  const rows: Row[] = [
    ...reuseRows.map((r) => ({ ...r, reuse: r.parameters < thresholdParameters ? 1 : 0 })),
    ...freshRows.map((r) => ({ ...r, reuse: 0 })),
  ];
  return rows.sort((a, b) => a.parameters - b.parameters || a.reuse - b.reuse);
}

/**
 * One variant's curve: its own rows below the threshold, and beyond it the rows both share (the
 * fresh ones, `reuse` 0).
 */
export function variantCurve(rows: Row[], reuse: boolean, thresholdParameters: number): Row[] {
  return rows
    .filter((r) => (r.parameters < thresholdParameters ? r.reuse === (reuse ? 1 : 0) : r.reuse === 0))
    .sort((a, b) => a.parameters - b.parameters);
}

export interface BelkinVariantSummary {
  reuse: boolean;
  /** Lowest test error below the threshold (the bottom of the classical U). */
  minimumBelow: Row;
  /**
   * Highest test error from that minimum up to twice the threshold's parameter count: the peak
   * (the minimum itself when the curve only falls there).
   */
  peak: Row;
  /** The same two for the squared test loss. */
  lossMinimumBelow: Row;
  lossPeak: Row;
  widest: Row;
}

function summarizeVariant(curve: Row[], reuse: boolean, threshold: number): BelkinVariantSummary {
  const lowest = (rows: Row[], key: string) => rows.reduce((p, r) => (r[key] < p[key] ? r : p), rows[0]);
  const highest = (rows: Row[], key: string) => rows.reduce((p, r) => (r[key] > p[key] ? r : p), rows[0]);
  const below = curve.filter((r) => r.parameters < threshold);
  const peakAfter = (minimum: Row, key: string) =>
    highest(
      curve.filter((r) => r.parameters >= minimum.parameters && r.parameters <= 2 * threshold),
      key,
    );
  const minimumBelow = lowest(below.length ? below : curve, 'testError');
  const lossMinimumBelow = lowest(below.length ? below : curve, 'testLoss');
  return {
    reuse,
    minimumBelow,
    peak: peakAfter(minimumBelow, 'testError'),
    lossMinimumBelow,
    lossPeak: peakAfter(lossMinimumBelow, 'testLoss'),
    widest: curve[curve.length - 1],
  };
}

/**
 * The number of classes K from the rows: a one-hidden-layer net has (d + 1 + K)·H + K parameters,
 * so the intercept of parameters against width is K (MNIST's 10 with a single width).
 */
export function classesFromRows(rows: Row[]): number {
  const widths = [...new Set(rows.map((r) => r.width))].sort((a, b) => a - b);
  if (widths.length < 2) return 10;
  const at = (w: number) => (rows.find((r) => r.width === w) as Row).parameters;
  const [a, b] = [widths[0], widths[widths.length - 1]];
  const slope = (at(b) - at(a)) / (b - a);
  return Math.round(at(a) - slope * a);
}

export function summarizeBelkin(
  config: Pick<BelkinMlpConfig, 'n'>,
  rows: Row[],
): { summary: Record<string, unknown>; summaryLines: string[] } {
  const threshold = config.n * classesFromRows(rows);
  const variants = [true, false].map((reuse) =>
    summarizeVariant(variantCurve(rows, reuse, threshold), reuse, threshold),
  );
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const k = (p: number) => `${(p / 1000).toFixed(1)}·10³`;
  const lines = alignedLines([
    ['threshold n·K', `${k(threshold)} parameters`],
    ...variants.flatMap((v): [string, string][] => [
      [v.reuse ? 'with weight reuse' : 'without reuse', ''],
      [
        '  minimum below the threshold',
        `${k(v.minimumBelow.parameters)} parameters: ${pct(v.minimumBelow.testError)}`,
      ],
      [
        '  zero-one peak after it',
        `${k(v.peak.parameters)}: ${pct(v.peak.testError)}, ` +
          `+${pct(v.peak.testError - v.minimumBelow.testError)}${spreadNote(v.minimumBelow, v.peak, 'testError')} over the minimum, ` +
          `+${pct(v.peak.testError - v.widest.testError)}${spreadNote(v.widest, v.peak, 'testError')} over the widest`,
      ],
      [
        '  squared-loss peak',
        `${k(v.lossPeak.parameters)}: ${v.lossPeak.testLoss.toFixed(4)}; minimum below ` +
          `${v.lossMinimumBelow.testLoss.toFixed(4)}${spreadNote(v.lossMinimumBelow, v.lossPeak, 'testLoss')}, ` +
          `widest ${v.widest.testLoss.toFixed(4)}${spreadNote(v.widest, v.lossPeak, 'testLoss')}`,
      ],
      [
        '  widest',
        `${k(v.widest.parameters)}: ${pct(v.widest.testError)}, train ${pct(v.widest.trainError)}`,
      ],
    ]),
  ]);
  const brief = (r: Row) => ({
    parameters: r.parameters,
    width: r.width,
    testError: r.testError,
    testLoss: r.testLoss,
  });
  return {
    summary: {
      thresholdParameters: threshold,
      variants: variants.map((v) => ({
        reuse: v.reuse,
        minimumBelow: brief(v.minimumBelow),
        peak: brief(v.peak),
        lossMinimumBelow: brief(v.lossMinimumBelow),
        lossPeak: brief(v.lossPeak),
        widest: brief(v.widest),
      })),
    },
    summaryLines: lines,
  };
}

export const belkinMlpPreset = definePreset<BelkinMlpConfig>({
  name: 'belkin-mlp',
  description:
    'Belkin et al. 2018, Fig. 4: a one-hidden-layer net on MNIST with squared loss and SGD, with and without weight reuse: test loss against parameters, peaking at n·K',
  schema: belkinMlpSchema,
  indexKeys: ['width', 'parameters', 'reuse'],
  async run(config, context) {
    const data = trainingData(context.loadDataset(config.dataset), config, config.n);
    const threshold = config.n * data.input.classes;
    const below = config.widths.filter(
      (w) => parameterCount(networkShape('mlp', 1, w), data.input) < threshold,
    );
    // Progress in width-epochs over both runs: the reuse run trains every width, the fresh run those below.
    const total = (config.widths.length + below.length) * config.epochs;
    const progress = (offset: number, part: number) => (done: number, of: number) =>
      context.onProgress?.(Math.floor((offset + (done / of) * part) * config.epochs), total);
    const reused = await trainWidths(variant(config, true, config.widths), data, {
      onEpoch: progress(0, config.widths.length),
    });
    const fresh = below.length
      ? await trainWidths(variant(config, false, below), data, {
          onEpoch: progress(config.widths.length, below.length),
        })
      : [];
    const points = rowsOf(widthRows(reused), widthRows(fresh), threshold);
    const series = [
      ...widthSeries(reused).map((s) => ({
        ...s,
        name: `${s.name}${isBelow(s.name, below) ? ' reuse' : ''}`,
      })),
      ...widthSeries(fresh).map((s) => ({ ...s, name: `${s.name} fresh` })),
    ];
    return { points, series, ...summarizeBelkin(config, points) };
  },
  estimateBytes: (c) => trainingBytes(variant(c, true, c.widths)),
  summarizeRows: (config, rows) => summarizeBelkin(config, rows),
});

/** Whether a series named `<metric> w=<width>` belongs to a width below the threshold. */
function isBelow(name: string, below: number[]): boolean {
  const width = Number(name.slice(name.lastIndexOf('=') + 1));
  return below.includes(width);
}
