// The effective-parameters column beside a double-descent figure (Curth, Jeffares & van der Schaar
// 2023, Fig. 9): p_test and p_train against the raw size, then test loss (and error) against p_test,
// coloured by branch — below the interpolation threshold, and at or above it. Read against p_test,
// the branch past the threshold runs back towards small p_test: the second descent folds back.
// Isomorphic; the panels read the parent spec's data (rows with `effectiveTest` and `effectiveTrain`).
import { SIZE_SCALE, type VegaLiteSpec } from './figure-style.js';

type PanelSpec = Extract<VegaLiteSpec, { vconcat: unknown }>['vconcat'][number];

export interface EffectiveColumnOptions {
  /** Row key of the raw size on the left (features, or degree + 1 as `features`). */
  sizeField: string;
  sizeTitle: string;
  /** First size at or above the threshold. */
  threshold: number;
  lossTitle: string;
  /** Row key of the test zero-one error, if the rows have one. */
  errorField?: string;
  width?: number;
  height?: number;
}

export const BELOW = 'below the threshold';
export const ABOVE = 'at or above it';

export function effectiveColumn(o: EffectiveColumnOptions): PanelSpec {
  const width = o.width ?? 360;
  const height = o.height ?? 150;
  const branch = {
    calculate: `datum.${o.sizeField} < ${o.threshold} ? '${BELOW}' : '${ABOVE}'`,
    as: 'branch',
  };
  const color = {
    field: 'branch',
    type: 'nominal' as const,
    title: null,
    scale: { domain: [BELOW, ABOVE], range: ['#4c78a8', '#e45756'] },
    legend: { orient: 'top' as const, labelLimit: 240 },
  };
  const pTest = {
    field: 'effectiveTest',
    type: 'quantitative' as const,
    title: 'effective parameters p_test',
    scale: { type: 'log' as const, nice: false, padding: 8 },
  };
  const against = (field: string, title: string, percent = false): PanelSpec => ({
    width,
    height,
    transform: [branch],
    // Connected in size order within a branch, so the fold shows as the red line turning back.
    mark: { type: 'line', point: { size: 24 } },
    encoding: {
      x: pTest,
      y: {
        field,
        type: 'quantitative',
        title,
        scale: percent ? { zero: true } : { type: 'log' },
        axis: { format: percent ? '.0%' : '~g' },
      },
      color,
      order: { field: o.sizeField, type: 'quantitative' },
    },
  });
  const counts: PanelSpec = {
    width,
    height,
    transform: [{ fold: ['effectiveTest', 'effectiveTrain'], as: ['measure', 'value'] }],
    mark: { type: 'line', point: { size: 18 } },
    encoding: {
      x: { field: o.sizeField, type: 'quantitative', title: o.sizeTitle, scale: SIZE_SCALE },
      y: { field: 'value', type: 'quantitative', title: 'effective parameters', scale: { type: 'log' } },
      color: {
        field: 'measure',
        type: 'nominal',
        title: null,
        scale: { domain: ['effectiveTest', 'effectiveTrain'], range: ['#e45756', '#72b7b2'] },
        legend: {
          orient: 'top',
          labelExpr: "datum.value === 'effectiveTest' ? 'p_test' : 'p_train = tr S'",
        },
      },
    },
  };
  return {
    vconcat: [
      counts,
      against('testLoss', o.lossTitle),
      ...(o.errorField ? [against(o.errorField, 'test zero-one error (%)', true)] : []),
    ],
    resolve: { scale: { color: 'independent' } },
    spacing: 36,
  };
}
