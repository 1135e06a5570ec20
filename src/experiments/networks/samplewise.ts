// Sample-wise non-monotonicity (Nakkiran et al. 2019, Fig. 3/11): the same width sweep for two
// training-set sizes. More data moves the interpolation threshold to wider networks, so near the
// threshold the larger training set can give the *higher* test error.
import { alignedLines } from '../common/aligned-lines.js';
import { effectInSpreadUnits, spreadNote } from '../common/seed-spread.js';
import { z } from 'zod';
import { positiveInteger, sortedUnique } from '../common/fields.js';
import { peakBeyondMinimum, widthRows } from './width-curve.js';
import { definePreset, type Row, type SeriesPoint } from '../preset.js';
import { checkTraining, trainingBytes, trainingData, trainingFields } from '../common/training-config.js';
import { trainWidths } from './width-sweep.js';

const { n: _n, ...fieldsWithoutN } = trainingFields({
  widths: [4, 8, 16, 24, 32, 40, 48, 64, 96, 128, 256],
  epochs: 150,
});

export const samplewiseSchema = z
  .strictObject({
    ...fieldsWithoutN,
    sizes: z
      .array(positiveInteger(), { error: 'must list at least two training-set sizes' })
      .min(2, { error: 'must list at least two training-set sizes' })
      .default([2000, 4000])
      .transform(sortedUnique)
      .describe('training-set sizes n, each trained with every width'),
  })
  .superRefine(checkTraining);

export type SamplewiseConfig = z.output<typeof samplewiseSchema>;

/** The row of the next smaller training-set size at the same width, if any. */
function smallerNRow(rows: Row[], r: Row): Row | undefined {
  const smaller = [...new Set(rows.map((o) => o.n))]
    .filter((n) => n < r.n)
    .sort((a, b) => a - b)
    .pop();
  return rows.find((o) => o.n === smaller && o.width === r.width);
}

/** Marks rows of each larger n whose test error exceeds that of the next smaller n at the same width. */
export function markMoreDataHurts(rows: Row[]): Row[] {
  return rows.map((r) => {
    const other = smallerNRow(rows, r);
    return { ...r, moreDataHurts: other && r.testError > other.testError ? 1 : 0 };
  });
}

function summarize(rows: Row[]): { summary: Record<string, unknown>; summaryLines: string[] } {
  const marked = markMoreDataHurts(rows);
  const hurts = marked.filter((r) => r.moreDataHurts === 1).sort((a, b) => a.width - b.width);
  const sizes = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  // Each size's double-descent peak: the highest test error wider than its classical minimum.
  const peaks = sizes.map((n) => {
    const { top, rise } = peakBeyondMinimum(
      rows.filter((r) => r.n === n),
      'testError',
    );
    return { n, width: top.width, testError: top.testError, rise };
  });
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const lines = alignedLines([
    ...peaks.map(
      (p) =>
        [
          `peak at n = ${p.n}`,
          `width ${p.width}: ${pct(p.testError)} (+${pct(p.rise)} over the classical minimum)`,
        ] as [string, string],
    ),
    [
      'more data hurts at widths',
      hurts.length
        ? hurts
            .map((r) => {
              const smaller = smallerNRow(rows, r) as Row;
              return `${r.width} (${pct(smaller.testError)} → ${pct(r.testError)}${spreadNote(smaller, r, 'testError')})`;
            })
            .join(', ')
        : 'none',
    ],
  ]);
  // Over seeds, the size of each "more data hurts" in units of the seed spread (see seed-spread.ts).
  const hurtsInSpreadUnits = hurts.map(
    (r) => effectInSpreadUnits(smallerNRow(rows, r) as Row, r, 'testError') ?? null,
  );
  return {
    summary: {
      peaks,
      moreDataHurtsWidths: hurts.map((r) => r.width),
      ...(hurtsInSpreadUnits.some((u) => u !== null)
        ? { moreDataHurtsInSpreadUnits: hurtsInSpreadUnits }
        : {}),
    },
    summaryLines: lines,
  };
}

export const samplewisePreset = definePreset<SamplewiseConfig>({
  name: 'samplewise',
  description:
    'sample-wise double descent (Nakkiran et al. 2019): where more training data gives worse test error',
  schema: samplewiseSchema,
  indexKeys: ['n', 'width', 'parameters'],
  async run(config, context) {
    const dataset = context.loadDataset(config.dataset);
    const rows: Row[] = [];
    const series: SeriesPoint[] = [];
    const total = config.sizes.length * config.epochs;
    for (const [i, n] of config.sizes.entries()) {
      const training = { ...config, n };
      const runs = await trainWidths(training, trainingData(dataset, training, n), {
        // trainWidths counts epochs of all its groups: rescale to this size's share of `total`.
        onEpoch: (done, of) =>
          context.onProgress?.(i * config.epochs + Math.floor((done * config.epochs) / of), total),
      });
      rows.push(...widthRows(runs).map((r) => ({ n, ...r })));
      for (const r of runs) {
        for (const rec of r.records)
          series.push({ name: `testError n=${n} w=${r.width}`, step: rec.epoch, value: rec.testError });
      }
    }
    const points = markMoreDataHurts(rows);
    return { points, series, ...summarize(points) };
  },
  estimateBytes: (c) => trainingBytes({ ...c, n: Math.max(...c.sizes) }),
  summarizeRows: (_config, rows) => summarize(rows),
});
