// One figure of a sweep, drawn by vega-embed from the Vega-Lite spec the run directory's figure is
// drawn from, with the controls that make it interactive: log/linear axes, panels on and off, and
// (in the chart) tooltips with exact values and series picked from the legend.
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import {
  panelTitles,
  scaleType,
  withPanels,
  withScale,
  withSeriesToggles,
  withTooltips,
} from '../../src/report/interactive-spec';
import { h } from './dom';

/** Rendered views, for the end-to-end tests and for anyone poking at the lab in devtools. */
declare global {
  interface Window {
    ddlabViews?: Map<string, Result['view']>;
  }
}

/** Above this many rows a figure is drawn on a canvas: thousands of SVG nodes are slow. */
const SVG_ROW_LIMIT = 2000;

export function figureView(
  name: string,
  spec: TopLevelSpec,
  rows: number,
  exports?: { svg: string; png: string },
): { element: HTMLElement; finalize: () => void } {
  const chart = h('div', { class: 'chart', 'data-figure': name });
  const controls = h('div', { class: 'controls' });
  // undefined: the figure's own scales (as the CLI draws it); then all log, all linear.
  const axes: Record<'x' | 'y', 'log' | 'linear' | undefined> = { x: undefined, y: undefined };
  const hasAxis = { x: scaleType(spec, 'x') !== undefined, y: scaleType(spec, 'y') !== undefined };
  const titles = panelTitles(spec);
  let shown = titles.map(() => true);
  let current: Result | undefined;
  let drawing = Promise.resolve();

  const draw = () => {
    drawing = drawing.then(async () => {
      let s = spec;
      for (const axis of ['x', 'y'] as const) if (axes[axis]) s = withScale(s, axis, axes[axis]!);
      s = withTooltips(withSeriesToggles(withPanels(s, shown)));
      current?.finalize();
      chart.dataset.rendered = '';
      const t0 = performance.now();
      current = await embed(chart, s, { renderer: rows > SVG_ROW_LIMIT ? 'canvas' : 'svg', actions: false });
      chart.dataset.renderMs = String(Math.round(performance.now() - t0));
      chart.dataset.rendered = '1';
      (window.ddlabViews ??= new Map()).set(name, current.view);
    });
  };

  const toggle = (axis: 'x' | 'y') => {
    if (!hasAxis[axis]) return null;
    const label = () => `${axis}: ${axes[axis] ?? 'as drawn'}`;
    return h(
      'button',
      {
        type: 'button',
        'data-axis': axis,
        onclick: (e: Event) => {
          axes[axis] = axes[axis] === undefined ? 'log' : axes[axis] === 'log' ? 'linear' : undefined;
          (e.target as HTMLElement).textContent = label();
          draw();
        },
      },
      label(),
    );
  };
  controls.append(
    ...[toggle('x'), toggle('y')].filter((b): b is HTMLButtonElement => b !== null),
    ...titles.map((t, i) =>
      h(
        'label',
        { class: 'panel-toggle' },
        h('input', {
          type: 'checkbox',
          checked: true,
          onchange: (e: Event) => {
            shown = shown.map((v, j) => (j === i ? (e.target as HTMLInputElement).checked : v));
            draw();
          },
        }),
        ` ${t}`,
      ),
    ),
    ...(exports
      ? [
          h('a', { href: exports.svg, download: '', class: 'button' }, 'SVG'),
          h('a', { href: exports.png, download: '', class: 'button' }, 'PNG'),
        ]
      : // Figures the run directory does not hold (training curves, compare): drawn by vega here.
        (['svg', 'png'] as const).map((type) =>
          h(
            'button',
            {
              type: 'button',
              'data-export': type,
              onclick: async () => {
                if (!current) return;
                const a = h('a', {
                  href: await current.view.toImageURL(type, type === 'png' ? 2 : 1),
                  download: `${name}.${type}`,
                });
                a.click();
              },
            },
            type.toUpperCase(),
          ),
        )),
  );
  draw();
  return {
    element: h('figure', {}, controls, chart),
    finalize: () => current?.finalize(),
  };
}
