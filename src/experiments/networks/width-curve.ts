// A width curve: the rows, series and headline numbers of networks of growing width trained alike
// (final and early-stopped test error, the classical minimum, the double-descent peak).
import { alignedLines } from '../common/aligned-lines.js';
import { stats } from '../common/statistics.js';
import { familyName } from '../../models/network.js';
import type { TrainingConfig } from '../common/training-config.js';
import type { Row, SeriesPoint } from '../preset.js';
import { finalAndBest, thresholdWidth, type WidthRun } from './width-sweep.js';

/** One row per width: the last epoch's numbers and the early-stopped ones. */
export function widthRows(runs: WidthRun[]): Row[] {
  return runs.map((r) => {
    const { final, best } = finalAndBest(r.records);
    return {
      width: r.width,
      parameters: r.parameters,
      trainLoss: final.trainLoss,
      trainError: final.trainError,
      testLoss: final.testLoss,
      testError: final.testError,
      paramNorm: final.paramNorm,
      bestEpoch: best.epoch,
      bestTestError: best.testError,
      bestTestLoss: best.testLoss,
      bestTrainError: best.trainError,
      ...final.probes,
    };
  });
}

/** The metrics summarised over seeds: median under the plain key, quartiles as `_q1`/`_q3`. */
const SEED_METRICS = ['trainLoss', 'trainError', 'testLoss', 'testError', 'paramNorm', 'bestTestError'];

/** One row per width: the median over seeds of each metric, with its quartiles. */
export function seedMedianRows(runs: WidthRun[]): Row[] {
  const perRun = widthRows(runs);
  const widths = [...new Set(runs.map((r) => r.width))].sort((a, b) => a - b);
  return widths.map((width) => {
    const rows = perRun.filter((r) => r.width === width);
    const row: Row = { width, parameters: rows[0].parameters, seeds: rows.length };
    for (const key of SEED_METRICS) {
      const s = stats(rows.map((r) => r[key]));
      row[key] = s.median;
      row[`${key}_q1`] = s.q1;
      row[`${key}_q3`] = s.q3;
    }
    // The early-stopping epoch is a grid value: its median is enough.
    row.bestEpoch = stats(rows.map((r) => r.bestEpoch)).median;
    return row;
  });
}

/**
 * Every record of every run, as store series named `<metric> w=<width>`, or `<metric> w=<width>
 * seed=<seed>` when a width was trained with several seeds in the run.
 */
export function widthSeries(runs: WidthRun[]): SeriesPoint[] {
  const metrics = ['trainLoss', 'trainError', 'testLoss', 'testError', 'paramNorm'] as const;
  const seeded = new Set(runs.map((r) => r.width)).size < runs.length;
  return runs.flatMap((r) => {
    const tag = seeded ? `w=${r.width} seed=${r.seed}` : `w=${r.width}`;
    return r.records.flatMap((rec) => [
      ...metrics.map((m) => ({ name: `${m} ${tag}`, step: rec.epoch, value: rec[m] })),
      ...Object.entries(rec.probes ?? {}).map(([m, value]) => ({
        name: `${m} ${tag}`,
        step: rec.epoch,
        value,
      })),
    ]);
  });
}

export interface WidthSummary {
  /** Width where a one-hidden-layer MLP's parameters reach n·K; null for other networks (no such formula). */
  thresholdWidth: number | null;
  interpolationWidth: number | null;
  /** The bottom of the classical U: the lowest final test error up to the interpolation width. */
  classicalMinimum: { width: number; testError: number };
  /** The highest final test error wider than the classical minimum: the double-descent peak. */
  peak: { width: number; testError: number; bestTestError: number };
  peakAboveClassical: number;
  /** How far the peak rises above the best of the wider networks. */
  peakAboveWider: number;
  /** The same rise (peak above classical minimum) for the early-stopped curve: ~0 when it is flat. */
  earlyStoppedBump: number;
  widest: { width: number; testError: number; bestTestError: number };
}

/** The first width with (near) zero train error: 0.5% allows a handful of unfit points. */
const INTERPOLATING = 0.005;

/**
 * The double-descent bump of a width curve: its bottom (the lowest `key` up to the first width
 * with train error ≈ 0, i.e. the classical regime), the highest `key` wider than that, and the rise
 * between them (0 when the curve only falls).
 */
export function peakBeyondMinimum(rows: Row[], key: string): { bottom: Row; top: Row; rise: number } {
  const sorted = [...rows].sort((a, b) => a.width - b.width);
  const interpolating = sorted.find((r) => r.trainError <= INTERPOLATING);
  const classical = interpolating ? sorted.filter((r) => r.width <= interpolating.width) : sorted;
  const bottom = classical.reduce((b, r) => (r[key] < b[key] ? r : b), classical[0]);
  const after = sorted.filter((r) => r.width > bottom.width);
  const top = after.length ? after.reduce((p, r) => (r[key] > p[key] ? r : p), after[0]) : bottom;
  return { bottom, top, rise: Math.max(0, top[key] - bottom[key]) };
}

/** Headline numbers of a width curve (rows possibly medians over seeds). */
export function summarizeWidths(config: TrainingConfig, rows: Row[]): WidthSummary {
  const sorted = [...rows].sort((a, b) => a.width - b.width);
  const interpolating = sorted.find((r) => r.trainError <= INTERPOLATING);
  const final = peakBeyondMinimum(sorted, 'testError');
  const wider = sorted.filter((r) => r.width > final.top.width);
  const last = sorted[sorted.length - 1];
  return {
    thresholdWidth:
      config.family === 'mlp' && config.depth === 1 ? thresholdFromRows(config.n, sorted) : null,
    interpolationWidth: interpolating ? interpolating.width : null,
    classicalMinimum: { width: final.bottom.width, testError: final.bottom.testError },
    peak: { width: final.top.width, testError: final.top.testError, bestTestError: final.top.bestTestError },
    peakAboveClassical: final.rise,
    peakAboveWider: wider.length ? final.top.testError - Math.min(...wider.map((r) => r.testError)) : 0,
    earlyStoppedBump: peakBeyondMinimum(sorted, 'bestTestError').rise,
    widest: { width: last.width, testError: last.testError, bestTestError: last.bestTestError },
  };
}

/**
 * The one-hidden-layer threshold from the rows alone: parameters = (d + 1 + K)·k + K is linear in
 * the width k, so two rows give d + 1 + K (the slope) and K (the intercept). NaN with one row.
 */
function thresholdFromRows(n: number, rows: Row[]): number {
  if (rows.length < 2) return NaN;
  const [a, b] = [rows[0], rows[rows.length - 1]];
  const slope = (b.parameters - a.parameters) / (b.width - a.width);
  const classes = a.parameters - slope * a.width;
  return thresholdWidth(n, slope - 1 - classes, classes);
}

export function widthSummaryLines(s: WidthSummary, config: TrainingConfig): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const family = familyName(config.family, config.depth);
  return alignedLines([
    ['network', `${family}, n = ${config.n}, label noise ${config.labelNoise}, ${config.epochs} epochs`],
    ...(s.thresholdWidth !== null
      ? [['threshold (params = n·K)', `width ≈ ${s.thresholdWidth.toFixed(1)}`] as [string, string]]
      : []),
    [
      'first width with train error ≈ 0',
      s.interpolationWidth === null ? 'none (no width interpolates)' : `${s.interpolationWidth}`,
    ],
    ['classical minimum', `width ${s.classicalMinimum.width}: ${pct(s.classicalMinimum.testError)}`],
    [
      'peak (last epoch)',
      `width ${s.peak.width}: ${pct(s.peak.testError)}, +${pct(s.peakAboveClassical)} over the minimum, ` +
        `+${pct(s.peakAboveWider)} over the wider nets`,
    ],
    ['  early-stopped there', pct(s.peak.bestTestError)],
    ['early-stopped curve', `rises at most ${pct(s.earlyStoppedBump)} after its minimum`],
    [
      'widest',
      `width ${s.widest.width}: ${pct(s.widest.testError)} (early stopping ${pct(s.widest.bestTestError)})`,
    ],
  ]);
}
