// Pure data → Vega-Lite spec, so the browser can draw the same figure later.
import type { CurvePoint } from '../probes/curve-point.js';
import { effectiveColumn } from './effective-figure.js';
import { SCHEMA, SIZE_SCALE, STYLE, type VegaLiteSpec } from './figure-style.js';

type PanelSpec = Extract<VegaLiteSpec, { vconcat: unknown }>['vconcat'][number];

type Panel = { field: keyof CurvePoint & string; title: string; log?: boolean; percent?: boolean };

// Belkin et al. 2018, fig. 2: the four curves that peak (or hit zero) at N = n.
const PANELS: Panel[] = [
  { field: 'testLoss', title: 'test squared loss', log: true },
  { field: 'coefNorm', title: 'coefficient norm ‖a‖', log: true },
  { field: 'testError', title: 'test zero-one error (%)', percent: true },
  { field: 'trainLoss', title: 'train squared loss' },
];

/**
 * With seeds, points carry the median as the plain key and the quartiles as `<key>_q1`/`<key>_q3`:
 * each panel then draws the interquartile band under the median line.
 */
export function rffFigureSpec(
  points: CurvePoint[],
  opts: { threshold: number; title: string },
): VegaLiteSpec {
  const banded = points.length > 0 && 'testLoss_q1' in points[0];
  const xEncoding = (i: number) => ({
    field: 'features',
    type: 'quantitative' as const,
    scale: SIZE_SCALE,
    // The x axis is shared: name it once, under the bottom panel.
    title: i === PANELS.length - 1 ? 'random features N' : null,
  });
  const band = ({ field, log }: Panel, i: number) => ({
    mark: { type: 'area' as const, opacity: 0.25, color: '#4c78a8' },
    encoding: {
      x: xEncoding(i),
      y: { field: `${field}_q1`, type: 'quantitative' as const, scale: log ? { type: 'log' as const } : {} },
      y2: { field: `${field}_q3` },
    },
  });
  const panel = ({ field, title, log, percent }: Panel, i: number): PanelSpec => ({
    width: 560,
    height: 150,
    layer: [
      ...(banded ? [band({ field, title, log, percent }, i)] : []),
      {
        mark: { type: 'line', point: { size: 24 } },
        encoding: {
          x: xEncoding(i),
          y: {
            field,
            type: 'quantitative',
            title,
            // The error panel starts at 0%; train loss fits its range; log panels cannot hold 0.
            scale: log ? { type: 'log' } : { zero: !!percent },
            axis: { format: percent ? '.0%' : '~g' },
          },
        },
      },
      {
        // Own one-row data, else the rule would be drawn once per point.
        data: { values: [{ threshold: opts.threshold }] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#555' },
        encoding: { x: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  });
  const header = {
    $schema: SCHEMA,
    title: {
      text: opts.title,
      subtitle:
        `dashed: interpolation threshold N = n = ${opts.threshold}` +
        (banded ? '; line: median over seeds, band: interquartile range' : ''),
    },
    // Copies: vega tags ingested rows in place, and the caller's points must stay clean.
    data: { values: points.map((p) => ({ ...p })) },
    config: STYLE,
  };
  const raw = {
    vconcat: PANELS.map(panel),
    resolve: { scale: { x: 'shared' as const } },
    // Lay out by plot area: long rotated y titles would otherwise push panels apart unevenly.
    bounds: 'flush' as const,
    spacing: 36,
  };
  // With effective parameters (Curth et al. 2023), the same curves against them, to the right.
  if (!(points.length > 0 && points.every((p) => Number.isFinite(p.effectiveTest))))
    return { ...header, ...raw };
  const effective = effectiveColumn({
    sizeField: 'features',
    sizeTitle: 'random features N',
    threshold: opts.threshold,
    lossTitle: 'test squared loss',
    errorField: 'testError',
  });
  return { ...header, hconcat: [raw, effective], spacing: 48 };
}
