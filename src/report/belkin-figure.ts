// belkin-mlp's figure, after Belkin et al. 2018, Fig. 4: zero-one and squared loss (train and test)
// against the number of parameters in thousands, with and without weight reuse, the threshold n·K
// dashed. Over seeds: the median line and its interquartile band.
import type { Row } from '../experiments/preset.js';
import { variantCurve } from '../experiments/networks/belkin-mlp.js';
import { SCHEMA, SIZE_SCALE, STYLE, type VegaLiteSpec } from './figure-style.js';

interface Point {
  kParameters: number;
  value: number;
  q1?: number;
  q3?: number;
  variant: string;
  split: string;
}

function points(rows: Row[], key: string, split: string, threshold: number): Point[] {
  return [true, false].flatMap((reuse) =>
    variantCurve(rows, reuse, threshold).map((r) => ({
      kParameters: r.parameters / 1000,
      value: r[key],
      ...(Number.isFinite(r[`${key}_q1`]) ? { q1: r[`${key}_q1`], q3: r[`${key}_q3`] } : {}),
      variant: reuse ? 'with weight reuse' : 'without reuse',
      split,
    })),
  );
}

export function belkinFigureSpec(
  rows: Row[],
  opts: { title: string; thresholdParameters: number },
): VegaLiteSpec {
  const threshold = opts.thresholdParameters;
  const banded = rows.some((r) => Number.isFinite(r.testError_q1));
  const x = { field: 'kParameters', type: 'quantitative' as const, scale: SIZE_SCALE };
  const color = {
    field: 'variant',
    type: 'nominal' as const,
    title: null,
    scale: { range: ['#1f77b4', '#d62728'] },
    // One legend for the band and the line layers: line symbols at full opacity.
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3 },
  };
  const panel = (
    trainKey: string,
    testKey: string,
    title: string,
    percent: boolean,
    xTitle: string | null,
  ) => {
    const values = [
      ...points(rows, testKey, 'test', threshold),
      ...points(rows, trainKey, 'train', threshold),
    ];
    const y = {
      type: 'quantitative' as const,
      title,
      axis: { format: percent ? '.0%' : '~g' },
    };
    return {
      width: 560,
      height: 200,
      data: { values },
      layer: [
        ...(banded
          ? [
              {
                transform: [{ filter: "datum.split === 'test'" }],
                mark: { type: 'area' as const, opacity: 0.18 },
                encoding: {
                  x: { ...x, title: xTitle },
                  y: { ...y, field: 'q1' },
                  y2: { field: 'q3' },
                  color,
                },
              },
            ]
          : []),
        {
          mark: { type: 'line' as const, point: { size: 22 } },
          encoding: {
            x: { ...x, title: xTitle },
            y: { ...y, field: 'value' },
            color,
            strokeDash: {
              field: 'split',
              type: 'nominal' as const,
              legend: null,
              scale: {
                domain: ['test', 'train'],
                range: [
                  [1, 0],
                  [4, 3],
                ],
              },
            },
            tooltip: [
              { field: 'variant', type: 'nominal' as const },
              { field: 'split', type: 'nominal' as const },
              { field: 'kParameters', type: 'quantitative' as const, title: 'parameters (×10³)' },
              { field: 'value', type: 'quantitative' as const, format: percent ? '.2%' : '.4f' },
            ],
          },
        },
        {
          data: { values: [{ threshold: threshold / 1000 }] },
          mark: { type: 'rule' as const, strokeDash: [5, 4], color: '#555' },
          encoding: { x: { field: 'threshold', type: 'quantitative' as const } },
        },
      ],
    };
  };
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title,
      subtitle: [
        `dashed: the interpolation threshold n·K = ${threshold / 1000}·10³ parameters; solid: test, dotted: train`,
        ...(banded ? ['line: median over seeds, band: interquartile range'] : []),
      ],
    },
    vconcat: [
      panel('trainError', 'testError', 'zero-one loss', true, null),
      panel('trainLoss', 'testLoss', 'squared loss', false, 'parameters (×10³)'),
    ],
    resolve: { scale: { x: 'shared' } },
    bounds: 'flush',
    spacing: 30,
    config: STYLE,
  } as VegaLiteSpec;
}
