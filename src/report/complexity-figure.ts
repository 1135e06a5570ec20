// The complexity-measures figure: one row of panels per sweep, the test error (or loss) first, then
// one panel per measure against the model size, one line per seed; each panel's title gives the
// measure's Spearman ρ with the test error (median over seeds). Dashed: the interpolation threshold
// (rff N = n, polynomial degree n − 1, mlp the narrowest width at which every seed has train error 0).
// Isomorphic, like every figure spec.
import type { Config, PresetResult, Row } from '../experiments/preset.js';
import {
  MEASURE_LABELS,
  SWEEP_MEASURES,
  SWEEPS,
  type MeasureCorrelation,
  type SweepName,
} from '../experiments/complexity/measure-correlations.js';
import { SCHEMA, SIZE_SCALE, STYLE, type FigureBuilder, type VegaLiteSpec } from './figure-style.js';

const SWEEP_TITLES: Record<SweepName, (c: Config) => string> = {
  rff: (c) => `RFF on ${c.rffDataset}, n = ${c.rffN}`,
  polynomial: (c) => `Legendre polynomials, n = ${c.polyN}`,
  mlp: (c) =>
    `MLP ${c.mlpDepth} × k on ${c.mlpDataset}, n = ${c.mlpN}, label noise ${c.mlpLabelNoise}, ${c.mlpEpochs} epochs`,
};

function threshold(sweep: SweepName, config: Config, rows: Row[]): number | undefined {
  if (sweep === 'rff') return config.rffN as number;
  if (sweep === 'polynomial') return (config.polyN as number) - 1;
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  return sizes.find((k) => rows.filter((r) => r.size === k).every((r) => r.trainError === 0));
}

export function complexityFigureSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const correlations = (result.summary.correlations ?? []) as MeasureCorrelation[];
  const rowsOf = SWEEPS.map((sweep, index) => ({
    sweep,
    rows: result.points.filter((r) => r.sweep === index),
  })).filter((s) => s.rows.length > 0);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Which complexity measure tracks test error? Each measure against model size',
      subtitle:
        "one line per seed; ρ: Spearman's rank correlation with the test error (or loss), median over seeds; dashed: interpolation threshold",
    },
    vconcat: rowsOf.map(({ sweep, rows }) => {
      const { target, size, measures } = SWEEP_MEASURES[sweep];
      const x = {
        field: 'size',
        type: 'quantitative' as const,
        title: size,
        scale: sweep === 'polynomial' ? { nice: false } : SIZE_SCALE,
      };
      const rule = threshold(sweep, config, rows);
      const panel = (field: string, title: string, log: boolean) => ({
        width: 150,
        height: 120,
        title: { text: title, fontSize: 11 },
        layer: [
          {
            data: { values: rows.filter((r) => Number.isFinite(r[field]) && (!log || r[field] > 0)) },
            mark: { type: 'line', point: { size: 10 }, strokeWidth: 1.2 },
            encoding: {
              x,
              y: {
                field,
                type: 'quantitative',
                // The panel's title names the measure: a rotated axis title longer than the panel
                // would push that panel's title up, out of line with the others.
                title: null,
                scale: log ? { type: 'log' } : { zero: false },
              },
              color: {
                field: 'repetition',
                type: 'nominal',
                title: 'seed',
                scale: { scheme: 'category10' },
                legend: null,
              },
            },
          },
          ...(rule === undefined
            ? []
            : [
                {
                  data: { values: [{ size: rule }] },
                  mark: { type: 'rule', strokeDash: [4, 3], color: '#666' },
                  encoding: { x: { field: 'size', type: 'quantitative' } },
                },
              ]),
        ],
      });
      const rho = (m: string) => {
        const c = correlations.find((k) => k.sweep === sweep && k.measure === m);
        return c && Number.isFinite(c.median) ? `ρ = ${c.median.toFixed(2)}` : 'ρ n/a';
      };
      return {
        title: { text: SWEEP_TITLES[sweep](config), anchor: 'start', fontSize: 13 },
        hconcat: [
          panel(target, MEASURE_LABELS[target], target === 'testLoss'),
          ...measures.map((m) => panel(m, `${MEASURE_LABELS[m] ?? m}: ${rho(m)}`, true)),
        ],
      };
    }),
    spacing: 18,
    config: STYLE,
  } as VegaLiteSpec;
}

export const complexityFigures: Record<string, FigureBuilder> = {
  'complexity-measures': complexityFigureSpec,
};
