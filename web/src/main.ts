// The lab's pages by path: / (sweeps), /sweeps/ID, /compare?ids=a,b, /new. Links within the app
// change the page without a reload.
import { h } from './dom';
import { connectLive } from './live';
import { comparePage } from './compare-page';
import { startPage } from './start-page';
import { sweepPage } from './sweep-page';
import { sweepsPage } from './sweeps-page';

/** A page draws itself into `root` and returns what stops its live updates. */
export type Page = (root: HTMLElement, params: URLSearchParams) => () => void;

const app = document.getElementById('app')!;
let leave: () => void = () => {};

function route(): void {
  leave();
  app.replaceChildren();
  const { pathname, searchParams } = new URL(location.href);
  const sweep = /^\/sweeps\/([^/]+)$/.exec(pathname);
  if (pathname === '/') leave = sweepsPage(app, searchParams);
  else if (sweep) leave = sweepPage(app, new URLSearchParams({ id: decodeURIComponent(sweep[1]) }));
  else if (pathname === '/compare') leave = comparePage(app, searchParams);
  else if (pathname === '/new') leave = startPage(app, searchParams);
  else {
    app.append(notFound(`There is no page ${pathname}.`));
    leave = () => {};
  }
}

export function notFound(message: string): HTMLElement {
  return h(
    'section',
    { class: 'not-found' },
    h('h1', {}, '404'),
    h('p', {}, message),
    h('a', { href: '/' }, 'all sweeps'),
  );
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  route();
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest('a');
  if (!a || a.target || a.hasAttribute('download') || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', route);
connectLive(document.getElementById('live')!);
route();
