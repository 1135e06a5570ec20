// Figures of the neural-network presets (Nakkiran et al. 2019, Figs. 1–2, 4, 9–11). Pure data →
// Vega-Lite, like every figure, so the browser can draw them too.
import type { Config, Row } from '../experiments/preset.js';
import { SCHEMA, SIZE_SCALE, STYLE, type FigureBuilder, type VegaLiteSpec } from './figure-style.js';

/**
 * Long format: one row per (x, series) so Vega-Lite colours the series. Rows aggregated over seeds
 * (median under the plain key, quartiles as `<key>_q1`/`<key>_q3`) also give each value its band.
 */
function melt(
  rows: Row[],
  x: string,
  series: Record<string, string>,
  extra: string[] = [],
): Record<string, unknown>[] {
  return rows.flatMap((r) =>
    Object.entries(series)
      .filter(([key]) => r[key] !== undefined)
      .map(([key, label]) => ({
        [x]: r[x],
        value: r[key],
        series: label,
        ...(r[`${key}_q1`] !== undefined ? { q1: r[`${key}_q1`], q3: r[`${key}_q3`] } : {}),
        ...Object.fromEntries(extra.map((e) => [e, r[e]])),
      })),
  );
}

function thresholdRule(width: number | undefined) {
  return Number.isFinite(width)
    ? [
        {
          data: { values: [{ threshold: width }] },
          mark: { type: 'rule' as const, strokeDash: [5, 4], color: '#555' },
          encoding: { x: { field: 'threshold', type: 'quantitative' as const } },
        },
      ]
    : [];
}

/**
 * mlp-width: test/train error and test loss against width, last epoch and early-stopped. Rows with
 * quartiles over seeds (`testError_q1`, …) get interquartile bands under their median lines.
 */
export function widthFigureSpec(
  rows: Row[],
  opts: { title: string; thresholdWidth?: number; subtitle?: string | string[] },
): VegaLiteSpec {
  const x = {
    field: 'width',
    type: 'quantitative' as const,
    scale: SIZE_SCALE,
  };
  const errors = melt(rows, 'width', {
    testError: 'test error (last epoch)',
    bestTestError: 'test error (early stopping)',
    trainError: 'train error (last epoch)',
  });
  const losses = melt(rows, 'width', {
    testLoss: 'test loss (last epoch)',
    bestTestLoss: 'test loss (early stopping)',
  });
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    legend: { ...LINE_LEGEND, labelLimit: 320 },
  };
  const panel = (
    values: Record<string, unknown>[],
    title: string,
    percent: boolean,
    xTitle: string | null,
  ) => ({
    width: 560,
    height: 200,
    layer: [
      ...(values.some((v) => 'q1' in v)
        ? [
            {
              data: { values: values.filter((v) => 'q1' in v) },
              ...iqrBand(
                { ...x, title: xTitle },
                { type: 'quantitative' as const, title },
                'q1',
                'q3',
                color,
              ),
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: 'line' as const, point: { size: 24 } },
        encoding: {
          x: { ...x, title: xTitle },
          y: {
            field: 'value',
            type: 'quantitative' as const,
            title,
            axis: { format: percent ? '.0%' : '~g' },
            scale: percent ? { zero: true } : { type: 'log' as const },
          },
          color,
        },
      },
      ...thresholdRule(opts.thresholdWidth),
    ],
  });
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title,
      subtitle:
        opts.subtitle ??
        (Number.isFinite(opts.thresholdWidth)
          ? `dashed: width where parameters = n·K (${opts.thresholdWidth?.toFixed(1)})`
          : ''),
    },
    vconcat: [
      panel(errors, 'zero-one error', true, null),
      panel(losses, 'cross-entropy / squared loss', false, 'width k'),
    ],
    resolve: { scale: { x: 'shared', color: 'independent' } },
    bounds: 'flush',
    spacing: 30,
    config: STYLE,
  } as VegaLiteSpec;
}

/** epochwise: test (and train) error against epoch, one line per width; over seeds, IQR bands. */
export function epochFigureSpec(rows: Row[], opts: { title: string }): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, model: `width ${r.width}` }));
  const banded = rows.some((r) => Number.isFinite(r.testError_q1));
  const color = {
    field: 'model',
    type: 'nominal' as const,
    title: null,
    sort: { field: 'width' },
    legend: LINE_LEGEND,
  };
  const panel = (field: string, title: string, xTitle: string | null) => {
    const x = {
      field: 'epoch',
      type: 'quantitative' as const,
      scale: { type: 'log' as const, nice: false },
      title: xTitle,
    };
    // Not from zero: the epoch-wise bump is a few points on top of ~50%.
    const y = { type: 'quantitative' as const, title, axis: { format: '.0%' }, scale: { zero: false } };
    return {
      width: 560,
      height: 200,
      layer: [
        ...(banded ? [iqrBand(x, y, `${field}_q1`, `${field}_q3`, color)] : []),
        {
          mark: { type: 'line' as const, point: { size: 16 } },
          encoding: { x, y: { ...y, field }, color },
        },
      ],
    };
  };
  return {
    $schema: SCHEMA,
    title: { text: opts.title, subtitle: banded ? MEDIAN_NOTE : '' },
    data: { values },
    vconcat: [panel('testError', 'test error', null), panel('trainError', 'train error', 'epoch')],
    resolve: { scale: { x: 'shared' } },
    bounds: 'flush',
    spacing: 30,
    config: STYLE,
  } as VegaLiteSpec;
}

const MEDIAN_NOTE = 'line: median over seeds; band: interquartile range';

/** A colour legend of line symbols at full opacity (a band layer would otherwise fade them). */
const LINE_LEGEND = { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3 };

/** The interquartile band over seeds between the fields `low` and `high`, behind its median line. */
function iqrBand(x: object, y: object, low: string, high: string, color: object) {
  return {
    mark: { type: 'area' as const, opacity: 0.18 },
    encoding: { x, y: { ...y, field: low }, y2: { field: high }, color },
  };
}

/** width-epoch-heatmap: test error over (width, epoch), as in Nakkiran et al. Fig. 2. */
export function heatmapFigureSpec(rows: Row[], opts: { title: string; field?: string }): VegaLiteSpec {
  const field = opts.field ?? 'testError';
  // The narrowest nets sit far above everyone else (40–80% error): saturate them at the upper
  // quartile, so the colours resolve the bump around the threshold.
  const values = rows.map((r) => r[field]).sort((a, b) => a - b);
  const domain = [values[0], values[Math.floor(0.75 * (values.length - 1))]];
  return {
    $schema: SCHEMA,
    title: { text: opts.title },
    data: { values: rows.map((r) => ({ ...r })) },
    width: 560,
    height: 320,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', title: 'epoch', axis: { labelOverlap: 'greedy' } },
      y: { field: 'width', type: 'ordinal', title: 'width k', sort: 'descending' },
      color: {
        field,
        type: 'quantitative',
        title: field === 'testError' ? 'test error' : field,
        scale: { scheme: 'viridis', domain, clamp: true },
        legend: {
          format: '.0%',
          title: field === 'testError' ? 'test error (≥ upper quartile: top colour)' : field,
        },
      },
    },
    config: STYLE,
  } as VegaLiteSpec;
}

/** samplewise: test error against width for each training-set size; marked where more data hurts. */
export function samplewiseFigureSpec(rows: Row[], opts: { title: string }): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, samples: `n = ${r.n}` }));
  const hurts = rows.filter((r) => r.moreDataHurts === 1).map((r) => ({ ...r }));
  const banded = rows.some((r) => Number.isFinite(r.testError_q1));
  const x = { field: 'width', type: 'quantitative' as const, scale: SIZE_SCALE, title: 'width k' };
  const y = { type: 'quantitative' as const, title: 'test error (last epoch)', axis: { format: '.0%' } };
  const color = { field: 'samples', type: 'nominal' as const, title: null, legend: LINE_LEGEND };
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title,
      subtitle: [
        'red rings: widths where the larger n has the higher test error',
        ...(banded ? [MEDIAN_NOTE] : []),
      ],
    },
    width: 560,
    height: 260,
    layer: [
      ...(banded ? [{ data: { values }, ...iqrBand(x, y, 'testError_q1', 'testError_q3', color) }] : []),
      {
        data: { values },
        mark: { type: 'line', point: { size: 24 } },
        encoding: {
          x: {
            field: 'width',
            type: 'quantitative',
            scale: SIZE_SCALE,
            title: 'width k',
          },
          y: {
            field: 'testError',
            type: 'quantitative',
            title: 'test error (last epoch)',
            axis: { format: '.0%' },
          },
          color: { field: 'samples', type: 'nominal', title: null },
        },
      },
      {
        data: { values: hurts },
        mark: { type: 'point', size: 160, color: '#d62728', strokeWidth: 2 },
        encoding: {
          x: { field: 'width', type: 'quantitative' },
          y: { field: 'testError', type: 'quantitative' },
        },
      },
    ],
    config: STYLE,
  } as VegaLiteSpec;
}

/** emc: mean train error against n for each width, with ε and the sweep's n marked. */
export function emcFigureSpec(
  rows: Row[],
  opts: { title: string; epsilon: number; n: number },
): VegaLiteSpec {
  const values = rows.map((r) => ({ ...r, model: `width ${r.width}` }));
  return {
    $schema: SCHEMA,
    title: {
      text: opts.title,
      subtitle: `EMC = largest n with mean train error ≤ ε = ${opts.epsilon} (dashed); dotted: n = ${opts.n}`,
    },
    width: 560,
    height: 280,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { size: 24 } },
        encoding: {
          x: {
            field: 'samples',
            type: 'quantitative',
            scale: { type: 'log', nice: false },
            title: 'training samples n',
          },
          y: {
            field: 'trainError',
            type: 'quantitative',
            title: 'mean train error (last epoch)',
            axis: { format: '.0%' },
          },
          color: { field: 'model', type: 'nominal', title: null, sort: { field: 'width' } },
        },
      },
      {
        data: { values: [{ epsilon: opts.epsilon }] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#555' },
        encoding: { y: { field: 'epsilon', type: 'quantitative' } },
      },
      {
        data: { values: [{ n: opts.n }] },
        mark: { type: 'rule', strokeDash: [2, 3], color: '#555' },
        encoding: { x: { field: 'n', type: 'quantitative' } },
      },
    ],
    config: STYLE,
  } as VegaLiteSpec;
}

const describe = (c: Config) =>
  `${c.family === 'cnn' ? 'CNN' : c.family === 'cnn1d' ? '1-D CNN' : c.family === 'resnet18' ? 'ResNet18' : `${c.depth}-hidden-layer MLP`} on ${c.dataset}: n = ${c.n}, ` +
  `label noise ${c.labelNoise}, ${c.optimizer} lr ${c.lr}, ${c.epochs} epochs`;

export const trainingFigures: Record<string, FigureBuilder> = {
  'mlp-width': (config, result) =>
    widthFigureSpec(result.points, {
      title: `Model-wise double descent: ${describe(config)}`,
      thresholdWidth: (result.summary.thresholdWidth as number | null) ?? undefined,
    }),
  'mnist1d-width': (config, result) =>
    widthFigureSpec(result.points, {
      title: `MNIST-1D double descent (udlbook 8.3): ${describe(config)}`,
      subtitle: `lines: median over ${config.seeds as number} initialisations; bands: interquartile range`,
    }),
  // Short lines: headless Vega sizes the canvas by an estimate of the title's width (~1.5× the
  // rendered text), so one long line leaves a wide empty margin.
  'resnet-width': (config, result) =>
    widthFigureSpec(result.points, {
      title: 'Width-wise double descent of a pre-activation ResNet18',
      thresholdWidth: (result.summary.emcWidth as number | null) ?? undefined,
      subtitle: [
        `${config.dataset as string}${(config.downsample as number) > 1 ? ` shrunk ${config.downsample as number}×` : ''}, ` +
          `n = ${config.n as number}, label noise ${config.labelNoise as number}, ` +
          `${config.optimizer as string} lr ${config.lr as number}, ${config.epochs as number} epochs`,
        `median over ${config.seeds as number} initialisations, IQR bands`,
        'dashed: first width with train error ≤ 10% (EMC reaches n)',
      ],
    }),
  epochwise: (config, result) =>
    epochFigureSpec(result.points, { title: `Epoch-wise double descent: ${describe(config)}` }),
  'width-epoch-heatmap': (config, result) =>
    heatmapFigureSpec(result.points, { title: `Test error over width × epoch: ${describe(config)}` }),
  samplewise: (config, result) =>
    samplewiseFigureSpec(result.points, {
      title: `Sample-wise double descent: ${describe({ ...config, n: (config.sizes as number[]).join(' vs ') })}`,
    }),
  emc: (config, result) =>
    emcFigureSpec(result.points, {
      title: `Effective model complexity: ${describe({ ...config, n: (config.sizes as number[]).join(', ') })}`,
      epsilon: config.epsilon as number,
      n: config.n as number,
    }),
};
