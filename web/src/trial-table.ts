// The trials of a sweep under its figure: filters for status and each axis, timings, and each
// failed trial's error in full.
import type { Trial } from './api';
import { fmt, h } from './dom';

export function trialTable(trials: Trial[]): HTMLElement {
  const axisKeys = [...new Set(trials.flatMap((t) => Object.keys(t.axes)))];
  const filters: Record<string, string> = { status: '' };
  const select = (key: string, values: string[]) =>
    h(
      'label',
      {},
      `${key} `,
      h(
        'select',
        {
          'data-filter': key,
          onchange: (e: Event) => {
            filters[key] = (e.target as HTMLSelectElement).value;
            draw();
          },
        },
        h('option', { value: '' }, 'any'),
        ...values.map((v) => h('option', { value: v }, v)),
      ),
    );
  const value = (t: Trial, key: string) => (key === 'status' ? t.status : JSON.stringify(t.axes[key]));
  const controls = h(
    'div',
    { class: 'filters' },
    select('status', ['pending', 'running', 'done', 'failed']),
    ...axisKeys.map((k) => select(k, [...new Set(trials.map((t) => JSON.stringify(t.axes[k])))])),
  );
  const body = h('tbody');
  const count = h('span', { class: 'count' });
  const draw = () => {
    const shown = trials.filter((t) => Object.entries(filters).every(([k, v]) => !v || value(t, k) === v));
    count.textContent = `${shown.length} of ${trials.length} trials`;
    body.replaceChildren(
      ...shown.flatMap((t) => [
        h(
          'tr',
          { class: `trial ${t.status}`, 'data-trial': t.id },
          h('td', { class: 'num' }, t.index + 1),
          h('td', { class: 'num' }, t.seed),
          ...axisKeys.map((k) => h('td', {}, JSON.stringify(t.axes[k]))),
          h('td', { class: `status ${t.status}` }, t.status),
          h('td', { class: 'num' }, t.attempts),
          h('td', {}, t.worker ?? ''),
          h('td', { title: t.started ?? '' }, t.started ? new Date(t.started).toLocaleTimeString() : ''),
          h('td', { class: 'num' }, t.seconds === null ? '' : fmt(t.seconds)),
          h('td', { class: 'mono' }, t.id),
        ),
        ...(t.error
          ? [
              h(
                'tr',
                { class: 'error-row' },
                h('td', { colspan: axisKeys.length + 8 }, h('pre', { class: 'error' }, t.error)),
              ),
            ]
          : []),
      ]),
    );
  };
  draw();
  return h(
    'section',
    { class: 'trials' },
    h('h2', {}, 'Trials ', count),
    controls,
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['#', 'seed', ...axisKeys, 'status', 'attempts', 'worker', 'started', 'seconds', 'id'].map((c) =>
            h('th', {}, c),
          ),
        ),
      ),
      body,
    ),
  );
}
