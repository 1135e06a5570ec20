// Compare: the same metric from two or more sweeps on one chart, e.g. label noise 0 against 0.2.
import type { TopLevelSpec } from 'vega-lite';
import { compareFigureSpec } from '../../src/report/compare-figure';
import { get, type Report, type SweepEntry } from './api';
import { h } from './dom';
import { figureView } from './figure-view';
import type { Page } from './main';

const STAT_SUFFIX = /_(mean|std|q1|q3|ci95Low|ci95High|n)$/;

export const comparePage: Page = (root, params) => {
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
  root.append(h('h1', {}, 'Compare sweeps'));
  if (ids.length < 2) {
    root.append(
      h('p', {}, 'Tick two or more sweeps in the ', h('a', { href: '/' }, 'list'), ' to compare them.'),
    );
    return () => {};
  }
  let finalize = () => {};
  void (async () => {
    const list = await get<SweepEntry[]>('/api/sweeps');
    const reports = await Promise.all(ids.map((id) => get<Report>(`/api/sweeps/${id}/report`)));
    const presets = await get<{ name: string; indexKeys?: string[] }[]>('/api/presets');
    const labels = ids.map((id) => list.find((s) => s.id === id)?.name ?? id);
    const keysOf = (r: Report) =>
      new Set(r.points.flatMap((p) => Object.keys(p)).filter((k) => !STAT_SUFFIX.test(k)));
    const common = [...keysOf(reports[0])].filter((k) => reports.every((r) => keysOf(r).has(k)));
    const indexKeys =
      presets.find((p) => p.name === list.find((s) => s.id === ids[0])?.preset)?.indexKeys ?? [];
    let x = common.find((k) => indexKeys.includes(k)) ?? common[0];
    const metrics = common.filter((k) => !indexKeys.includes(k) && k !== x);
    let metric = ['testError', 'testLoss'].find((m) => metrics.includes(m)) ?? metrics[0] ?? common[0];
    const holder = h('div');
    const draw = () => {
      finalize();
      const spec = compareFigureSpec(
        reports.map((r, i) => ({ label: labels[i], rows: r.points })),
        { x, metric, logX: ['features', 'width', 'psi1', 'gamma', 'samples'].includes(x) },
      );
      const view = figureView(
        'compare',
        spec as TopLevelSpec,
        reports.reduce((n, r) => n + r.points.length, 0),
      );
      finalize = view.finalize;
      holder.replaceChildren(view.element);
    };
    const select = (label: string, value: string, set: (v: string) => void) =>
      h(
        'label',
        {},
        `${label} `,
        h(
          'select',
          { onchange: (e: Event) => (set((e.target as HTMLSelectElement).value), draw()) },
          ...common.map((k) => h('option', { value: k, selected: k === value }, k)),
        ),
      );
    root.append(
      h('p', {}, labels.join(' vs ')),
      h(
        'div',
        { class: 'controls' },
        select('x', x, (v) => (x = v)),
        ' ',
        select('metric', metric, (v) => (metric = v)),
      ),
      holder,
    );
    draw();
  })();
  return () => finalize();
};
