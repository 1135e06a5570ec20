// Epoch-wise double descent (Nakkiran et al. 2019, Fig. 9/10) and the width × epoch heatmap (Fig. 2):
// test error along training for networks of several widths. Both presets train the widths as one
// ensemble and keep a row per (width, evaluated epoch).
import { alignedLines } from '../common/aligned-lines.js';
import { effectInSpreadUnits, spreadUnitsNote } from '../common/seed-spread.js';
import { peakBeyondMinimum, widthSeries } from './width-curve.js';
import { definePreset, type Preset, type Row } from '../preset.js';
import {
  trainingBytes,
  trainingData,
  trainingSchema,
  type TrainingConfig,
} from '../common/training-config.js';
import { trainWidths, type WidthRun } from './width-sweep.js';
import { mergedWidthRuns, sharedTrainingFields } from './merged-widths.js';

function epochRows(runs: WidthRun[]): Row[] {
  return runs.flatMap((r) =>
    r.records.map((rec) => ({
      width: r.width,
      parameters: r.parameters,
      epoch: rec.epoch,
      trainLoss: rec.trainLoss,
      trainError: rec.trainError,
      testLoss: rec.testLoss,
      testError: rec.testError,
      paramNorm: rec.paramNorm,
      ...rec.probes,
    })),
  );
}

function byWidth(rows: Row[]): Map<number, Row[]> {
  const groups = new Map<number, Row[]>();
  for (const r of [...rows].sort((a, b) => a.epoch - b.epoch)) {
    groups.set(r.width, [...(groups.get(r.width) ?? []), r]);
  }
  return new Map([...groups].sort((a, b) => a[0] - b[0]));
}

export interface EpochwiseSummary {
  widths: {
    width: number;
    bestEpoch: number;
    bestTestError: number;
    /** The highest test error after the best epoch: the epoch-wise bump (0 if none). */
    riseAfterBest: number;
    /** Where that bump peaks (the best epoch when there is none). */
    peakEpoch: number;
    /** How far the test error falls from that peak to the last epoch: a second descent, if large. */
    fallAfterPeak: number;
    /** fallAfterPeak in units of the seeds' IQR (the larger of the peak's and the last epoch's); null for one run. */
    fallInSpreadUnits: number | null;
    /**
     * The criterion for an epoch-wise double descent: after its peak the (median) test error falls
     * by at least 2 points and, over seeds, by more than their IQR.
     */
    secondDescent: boolean;
    finalTestError: number;
    finalTrainError: number;
  }[];
}

/** A second descent must recover at least this much test error after the epoch-wise peak. */
export const SECOND_DESCENT_POINTS = 0.02;

export function summarizeEpochs(rows: Row[]): EpochwiseSummary {
  return {
    widths: [...byWidth(rows)].map(([width, rs]) => {
      const best = rs.reduce((b, r) => (r.testError < b.testError ? r : b), rs[0]);
      const after = rs.filter((r) => r.epoch > best.epoch);
      const peak = after.length
        ? after.reduce((p, r) => (r.testError > p.testError ? r : p), after[0])
        : best;
      const last = rs[rs.length - 1];
      const fall = peak.testError - last.testError;
      const units = effectInSpreadUnits(last, peak, 'testError');
      return {
        width,
        bestEpoch: best.epoch,
        bestTestError: best.testError,
        riseAfterBest: peak.testError - best.testError,
        peakEpoch: peak.epoch,
        fallAfterPeak: fall,
        fallInSpreadUnits: units ?? null,
        secondDescent: fall >= SECOND_DESCENT_POINTS && (units === undefined || units > 1),
        finalTestError: last.testError,
        finalTrainError: last.trainError,
      };
    }),
  };
}

function epochwiseLines(s: EpochwiseSummary): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return alignedLines(
    s.widths.map((w) => [
      `width ${w.width}`,
      `best ${pct(w.bestTestError)} at epoch ${w.bestEpoch}, up to +${pct(w.riseAfterBest)} at epoch ` +
        `${w.peakEpoch}, then down ${pct(w.fallAfterPeak)}${spreadUnitsNote(w.fallInSpreadUnits)}: ` +
        `${w.secondDescent ? 'a second descent' : 'no second descent'}; ` +
        `final test ${pct(w.finalTestError)}, train ${pct(w.finalTrainError)}`,
    ]),
  );
}

export interface HeatmapSummary {
  /**
   * At a few epochs: the model-wise bump of that epoch's width curve (see peakBeyondMinimum). As
   * training goes on, the peak grows and moves to wider networks (Nakkiran et al., Fig. 2).
   */
  peakByEpoch: { epoch: number; minimumWidth: number; peakWidth: number; testError: number; rise: number }[];
}

export function summarizeHeatmap(rows: Row[]): HeatmapSummary {
  const epochs = [...new Set(rows.map((r) => r.epoch))].sort((a, b) => a - b);
  const picks = [
    ...new Set([0.1, 0.25, 0.5, 1].map((q) => epochs[Math.max(0, Math.ceil(q * epochs.length) - 1)])),
  ];
  return {
    peakByEpoch: picks.map((epoch) => {
      const { bottom, top, rise } = peakBeyondMinimum(
        rows.filter((r) => r.epoch === epoch),
        'testError',
      );
      return { epoch, minimumWidth: bottom.width, peakWidth: top.width, testError: top.testError, rise };
    }),
  };
}

function heatmapLines(s: HeatmapSummary): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return alignedLines(
    s.peakByEpoch.map((p) => [
      `epoch ${p.epoch}`,
      p.rise > 0
        ? `peak at width ${p.peakWidth} (${pct(p.testError)}), +${pct(p.rise)} over width ${p.minimumWidth}`
        : `no peak: test error falls with width from ${p.minimumWidth}`,
    ]),
  );
}

function trainingPreset(
  name: string,
  description: string,
  defaults: Parameters<typeof trainingSchema>[0],
  summarize: (rows: Row[]) => { summary: Record<string, unknown>; summaryLines: string[] },
): Preset<TrainingConfig> {
  const result = (runs: WidthRun[]) => {
    const points = epochRows(runs);
    return { points, series: widthSeries(runs), ...summarize(points) };
  };
  return definePreset<TrainingConfig>({
    name,
    description,
    schema: trainingSchema(defaults),
    indexKeys: ['width', 'parameters', 'epoch'],
    async run(config, context) {
      const data = trainingData(context.loadDataset(config.dataset), config, config.n);
      return result(await trainWidths(config, data, { onEpoch: context.onProgress }));
    },
    merge: {
      shared: sharedTrainingFields,
      async run(configs, context) {
        return (await mergedWidthRuns(configs, context)).map(result);
      },
    },
    estimateBytes: trainingBytes,
    summarizeRows: (_config, rows) => summarize(rows),
  });
}

export const epochwisePreset = trainingPreset(
  'epochwise',
  'epoch-wise double descent (Nakkiran et al. 2019): test error against epoch for a small, a critical and a large width',
  { widths: [8, 48, 512], evalEvery: 2 },
  (rows) => {
    const s = summarizeEpochs(rows);
    return { summary: { ...s }, summaryLines: epochwiseLines(s) };
  },
);

export const widthEpochHeatmapPreset = trainingPreset(
  'width-epoch-heatmap',
  'test error over width × epoch (Nakkiran et al. 2019, Fig. 2)',
  { widths: [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 256, 512], evalEvery: 5 },
  (rows) => {
    const s = summarizeHeatmap(rows);
    return { summary: { ...s }, summaryLines: heatmapLines(s) };
  },
);
