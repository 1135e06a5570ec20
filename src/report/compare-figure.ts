// Compare: the same metric from two or more sweeps on one chart (label noise 0 vs 0.2, say). Each
// sweep's rows are its medians over seeds (flatten in sweep/aggregate.ts), with the IQR as a band
// where the rows carry quartiles.
import { SCHEMA, STYLE, type VegaLiteSpec } from './figure-style.js';

export interface CompareCurve {
  label: string;
  rows: Record<string, number>[];
}

export function compareFigureSpec(
  curves: CompareCurve[],
  opts: { x: string; metric: string; logX?: boolean; logY?: boolean },
): VegaLiteSpec {
  const { x, metric } = opts;
  const values = curves.flatMap((c) =>
    c.rows
      .filter((r) => Number.isFinite(r[x]) && Number.isFinite(r[metric]))
      .map((r) => ({
        sweep: c.label,
        [x]: r[x],
        [metric]: r[metric],
        q1: r[`${metric}_q1`] ?? r[metric],
        q3: r[`${metric}_q3`] ?? r[metric],
      })),
  );
  const xEnc = {
    field: x,
    type: 'quantitative' as const,
    scale: { type: opts.logX ? 'log' : 'linear', nice: false },
  };
  const yScale = { type: opts.logY ? 'log' : 'linear', zero: false };
  const color = { field: 'sweep', type: 'nominal' as const, title: null };
  return {
    $schema: SCHEMA,
    title: { text: `${metric} against ${x}`, subtitle: 'line: median over seeds, band: interquartile range' },
    data: { values },
    width: 620,
    height: 320,
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x: xEnc,
          y: { field: 'q1', type: 'quantitative', scale: yScale },
          y2: { field: 'q3' },
          color,
        },
      },
      {
        mark: { type: 'line', point: { size: 24 } },
        encoding: {
          x: xEnc,
          y: { field: metric, type: 'quantitative', scale: yScale, title: metric },
          color,
        },
      },
    ],
    config: STYLE,
  } as VegaLiteSpec;
}
