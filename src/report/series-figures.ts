// Figures from the per-epoch series of the training presets (stored as `<metric> w=<width>`): the
// width curve at epoch t under a slider, the width × epoch heatmap, and the epoch curve of every
// width. The seeds of one grid point are reduced to their median and IQR per (metric, width, epoch).
import { stats } from '../experiments/common/statistics.js';
import { SCHEMA, SIZE_SCALE, STYLE, type VegaLiteSpec } from './figure-style.js';

export interface SeriesValue {
  trial: string;
  name: string;
  step: number;
  value: number;
}

export interface EpochRow {
  metric: string;
  width: number;
  epoch: number;
  value: number;
  q1: number;
  q3: number;
  seeds: number;
}

const NAME = /^(\S+) w=(\d+(?:\.\d+)?)$/;

/** Median and quartiles over trials (seeds) per metric, width and epoch; other series are left out. */
export function epochRows(series: SeriesValue[]): EpochRow[] {
  const groups = new Map<string, { metric: string; width: number; epoch: number; values: number[] }>();
  for (const s of series) {
    const m = NAME.exec(s.name);
    if (!m) continue;
    const key = `${m[1]}|${m[2]}|${s.step}`;
    const g = groups.get(key) ?? { metric: m[1], width: Number(m[2]), epoch: s.step, values: [] };
    g.values.push(s.value);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map(({ metric, width, epoch, values }) => {
      const st = stats(values);
      return { metric, width, epoch, value: st.median, q1: st.q1, q3: st.q3, seeds: st.n };
    })
    .sort((a, b) => a.metric.localeCompare(b.metric) || a.width - b.width || a.epoch - b.epoch);
}

/** The width curve of `metric` at the epoch the slider picks (median line, IQR band). */
export function epochSliderSpec(rows: EpochRow[], metric: string): VegaLiteSpec {
  const values = rows.filter((r) => r.metric === metric);
  const epochs = [...new Set(values.map((r) => r.epoch))].sort((a, b) => a - b);
  const gaps = new Set(epochs.slice(1).map((e, i) => e - epochs[i]));
  // Evenly recorded epochs slide by epoch; uneven ones by their position, shown beside the slider.
  const even = gaps.size <= 1;
  const withIndex = values.map((r) => ({ ...r, at: even ? r.epoch : epochs.indexOf(r.epoch) }));
  const last = even ? epochs[epochs.length - 1] : epochs.length - 1;
  const x = { field: 'width', type: 'quantitative' as const, scale: SIZE_SCALE, title: 'width k' };
  return {
    $schema: SCHEMA,
    title: {
      text: `${metric} against width at the chosen epoch`,
      subtitle: 'line: median over seeds, band: IQR',
    },
    data: { values: withIndex },
    params: [
      {
        name: 'epoch',
        value: last,
        bind: {
          input: 'range',
          min: even ? epochs[0] : 0,
          max: last,
          step: even ? [...gaps][0] || 1 : 1,
          name: even ? 'epoch ' : 'recorded epoch no. ',
        },
      },
    ],
    transform: [{ filter: 'datum.at == epoch' }],
    width: 560,
    height: 240,
    layer: [
      {
        mark: { type: 'area', opacity: 0.25, color: '#4c78a8' },
        encoding: { x, y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' } },
      },
      {
        mark: { type: 'line', point: { size: 30 } },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: metric } },
      },
    ],
    config: STYLE,
  } as VegaLiteSpec;
}

/** `metric` over width × epoch. */
export function epochHeatmapSpec(rows: EpochRow[], metric: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: { text: `${metric} over width × epoch (median over seeds)` },
    data: { values: rows.filter((r) => r.metric === metric) },
    width: 560,
    height: 280,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', axis: { labelOverlap: 'greedy' } },
      y: { field: 'width', type: 'ordinal', sort: 'descending', title: 'width k' },
      color: { field: 'value', type: 'quantitative', title: metric, scale: { scheme: 'viridis' } },
    },
    config: STYLE,
  } as VegaLiteSpec;
}

/** The epoch curve of `metric` for every width. */
export function epochCurvesSpec(rows: EpochRow[], metric: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: { text: `${metric} against epoch, one line per width (median over seeds)` },
    data: {
      values: rows.filter((r) => r.metric === metric).map((r) => ({ ...r, model: `width ${r.width}` })),
    },
    width: 560,
    height: 260,
    mark: { type: 'line' },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'value', type: 'quantitative', title: metric },
      color: { field: 'model', type: 'nominal', title: null, sort: { field: 'width' } },
    },
    config: STYLE,
  } as VegaLiteSpec;
}
