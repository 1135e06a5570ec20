// A sweep: its figure(s) as interactive charts, the training curves where the preset records them,
// the exports and the trial table — redrawn live whenever the sweep's trials change.
import type { TopLevelSpec } from 'vega-lite';
import { ApiError, get, type Report, type SweepEntry, type Trial } from './api';
import { age, h } from './dom';
import { figureView } from './figure-view';
import { onSweeps } from './live';
import { notFound, type Page } from './main';
import { trialTable } from './trial-table';
import { trainingView } from './training-view';

interface Detail {
  sweep: { id: string; name: string; preset: string; created: string; spec: unknown };
  counts: SweepEntry['counts'];
}

export const sweepPage: Page = (root, params) => {
  const id = params.get('id')!;
  const t0 = performance.now();
  let shownCounts = '';
  // The counts of the latest event: one load at a time, and another after it only if they moved on
  // (the first event arrives while the first load runs; drawing 10 000 rows twice took seconds).
  let latestCounts = '';
  let busy = false;
  let finalizers: (() => void)[] = [];

  const load = async () => {
    busy = true;
    try {
      await loadOnce();
    } finally {
      busy = false;
    }
    if (latestCounts && latestCounts !== shownCounts) void load();
  };

  const loadOnce = async () => {
    let detail: Detail, report: Report, trials: Trial[];
    try {
      [detail, report, trials] = await Promise.all([
        get<Detail>(`/api/sweeps/${id}`),
        get<Report>(`/api/sweeps/${id}/report`),
        get<Trial[]>(`/api/sweeps/${id}/trials`),
      ]);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
        root.replaceChildren(notFound(`There is no sweep '${id}' in this store (yet).`));
        return;
      }
      throw e;
    }
    finalizers.forEach((f) => f());
    const { sweep, counts } = detail;
    shownCounts = JSON.stringify(counts);
    const total = counts.done + counts.failed + counts.running + counts.pending;
    const figures = Object.entries(report.figures).map(([name, spec]) =>
      figureView(name, spec as TopLevelSpec, report.points.length, {
        svg: `/api/sweeps/${id}/${name}.svg`,
        png: `/api/sweeps/${id}/${name}.png`,
      }),
    );
    const training = trainingView(report, trials);
    finalizers = [...figures.map((f) => f.finalize), ...(training ? [training.finalize] : [])];
    root.replaceChildren(
      h('h1', {}, sweep.name),
      h(
        'p',
        { class: 'meta' },
        `${sweep.preset} · sweep ${sweep.id} · started ${age(sweep.created)} · `,
        h(
          'span',
          { class: 'counts', 'data-done': counts.done, 'data-total': total },
          `${counts.done} done, ${counts.failed} failed, ${counts.running} running, ${counts.pending} pending of ${total}`,
        ),
      ),
      h(
        'p',
        { class: 'exports' },
        'export: ',
        h(
          'a',
          { href: `/api/sweeps/${id}/export.csv`, download: '', class: 'button', 'data-export': 'csv' },
          'CSV',
        ),
        h(
          'a',
          { href: `/api/sweeps/${id}/export.json`, download: '', class: 'button', 'data-export': 'json' },
          'JSON',
        ),
        ' (as ddlab export); each figure has its SVG and PNG (as in the run directory)',
      ),
      ...(figures.length
        ? figures.map((f) => f.element)
        : [h('p', { class: 'empty' }, 'No finished trials yet: the figure appears with the first.')]),
      ...(training ? [training.element] : []),
      trialTable(trials),
    );
    root.dataset.loadMs = String(Math.round(performance.now() - t0));
  };

  void load();
  const stop = onSweeps((sweeps: SweepEntry[]) => {
    const entry = sweeps.find((s) => s.id === id);
    if (!entry) return;
    latestCounts = JSON.stringify(entry.counts);
    if (!busy && latestCounts !== shownCounts) void load();
  });
  return () => {
    stop();
    finalizers.forEach((f) => f());
  };
};
