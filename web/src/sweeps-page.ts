// The sweeps list: name, preset, status counts, progress and age, live. Ticking two or more
// sweeps compares them.
import type { SweepEntry } from './api';
import { age, h } from './dom';
import { onSweeps } from './live';
import type { Page } from './main';

export const sweepsPage: Page = (root) => {
  const picked = new Set<string>();
  const compare = h('a', { class: 'button', href: '/compare' }, 'compare ticked sweeps');
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'sweeps' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['', 'name', 'preset', 'done', 'failed', 'running', 'pending', 'progress', 'created'].map((t) =>
          h('th', {}, t),
        ),
      ),
    ),
    body,
  );
  const empty = h(
    'p',
    { class: 'empty' },
    'No sweeps in this store yet: start one, or run `ddlab run rff --seeds 3`.',
  );
  root.append(h('h1', {}, 'Sweeps'), compare, table, empty);

  const updateCompare = () => {
    compare.setAttribute('href', `/compare?ids=${[...picked].join(',')}`);
    compare.classList.toggle('disabled', picked.size < 2);
  };
  const render = (sweeps: SweepEntry[]) => {
    empty.hidden = sweeps.length > 0;
    body.replaceChildren(
      ...sweeps.map((s) => {
        const box = h('input', {
          type: 'checkbox',
          checked: picked.has(s.id),
          'aria-label': `compare ${s.name}`,
          onchange: (e: Event) => {
            if ((e.target as HTMLInputElement).checked) picked.add(s.id);
            else picked.delete(s.id);
            updateCompare();
          },
        });
        const pct = Math.round(100 * s.progress);
        return h(
          'tr',
          { 'data-sweep': s.id, 'data-done': s.counts.done, 'data-total': s.total },
          h('td', {}, box),
          h('td', {}, h('a', { href: `/sweeps/${s.id}` }, s.name)),
          h('td', {}, s.preset),
          h('td', { class: 'num' }, s.counts.done),
          h('td', { class: s.counts.failed ? 'num failed' : 'num' }, s.counts.failed),
          h('td', { class: 'num' }, s.counts.running),
          h('td', { class: 'num' }, s.counts.pending),
          h('td', {}, h('progress', { max: 100, value: pct }), ` ${pct}%`),
          h('td', { title: s.created }, age(s.created)),
        );
      }),
    );
    updateCompare();
  };
  const stop = onSweeps(render);
  // Ages move on even when nothing else does.
  let latest: SweepEntry[] = [];
  const stopLatest = onSweeps((s) => (latest = s));
  const tick = setInterval(() => render(latest), 30_000);
  return () => {
    stop();
    stopLatest();
    clearInterval(tick);
  };
};
