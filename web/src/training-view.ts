// The training presets' extra figures, from their per-epoch series: the width curve at epoch t (a
// slider), the width × epoch heatmap and the epoch curve of each width, for one grid point.
import type { TopLevelSpec } from 'vega-lite';
import {
  epochCurvesSpec,
  epochHeatmapSpec,
  epochRows,
  epochSliderSpec,
} from '../../src/report/series-figures';
import type { Report, Trial } from './api';
import { h } from './dom';
import { figureView } from './figure-view';

export function trainingView(
  report: Report,
  trials: Trial[],
): { element: HTMLElement; finalize: () => void } | undefined {
  const grids = [...new Set(trials.map((t) => t.gridKey))];
  const rowsOf = (gridKey: string) => {
    const ids = new Set(trials.filter((t) => t.gridKey === gridKey).map((t) => t.id));
    return epochRows(report.series.filter((s) => ids.has(s.trial)));
  };
  if (!grids.some((g) => rowsOf(g).length > 0)) return undefined;
  let grid = grids.find((g) => rowsOf(g).length > 0)!;
  let metric = '';
  const holder = h('div');
  let finalizers: (() => void)[] = [];
  const draw = () => {
    finalizers.forEach((f) => f());
    const rows = rowsOf(grid);
    const metrics = [...new Set(rows.map((r) => r.metric))];
    if (!metrics.includes(metric)) metric = metrics.includes('testError') ? 'testError' : metrics[0];
    const views = [
      figureView('epoch-slider', epochSliderSpec(rows, metric) as TopLevelSpec, rows.length),
      figureView('epoch-heatmap', epochHeatmapSpec(rows, metric) as TopLevelSpec, rows.length),
      figureView('epoch-curves', epochCurvesSpec(rows, metric) as TopLevelSpec, rows.length),
    ];
    finalizers = views.map((v) => v.finalize);
    metricSelect.replaceChildren(...metrics.map((m) => h('option', { value: m, selected: m === metric }, m)));
    holder.replaceChildren(...views.map((v) => v.element));
  };
  const metricSelect = h('select', {
    onchange: (e: Event) => {
      metric = (e.target as HTMLSelectElement).value;
      draw();
    },
  });
  const gridSelect = h(
    'select',
    {
      onchange: (e: Event) => {
        grid = (e.target as HTMLSelectElement).value;
        draw();
      },
    },
    ...grids.map((g, i) =>
      h(
        'option',
        { value: g },
        `grid point ${i + 1} ${JSON.stringify(trials.find((t) => t.gridKey === g)!.axes)}`,
      ),
    ),
  );
  draw();
  return {
    element: h(
      'section',
      { class: 'training' },
      h('h2', {}, 'Training curves'),
      h(
        'div',
        { class: 'controls' },
        h('label', {}, 'metric ', metricSelect),
        grids.length > 1 ? h('label', {}, ' ', gridSelect) : null,
      ),
      holder,
    ),
    finalize: () => finalizers.forEach((f) => f()),
  };
}
