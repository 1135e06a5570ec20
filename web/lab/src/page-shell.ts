// What every lab page has: the navigation, the controls, a status line with progress and a cancel
// button, and a place for figures and numbers. The page's own script fills it in.
import './style.css';

export const PAGES = [
  ['theory.html', 'Theory curves'],
  ['polynomials.html', 'Polynomials'],
  ['random-features.html', 'Random features on MNIST'],
  ['networks.html', 'Networks live'],
  ['implicit-regularization.html', 'Implicit regularization'],
] as const;

export interface Shell {
  controls: HTMLElement;
  figures: HTMLElement;
  notes: HTMLElement;
  status: Status;
}

export interface Status {
  /** Shows what the page is doing (data-state is what the tests wait on). */
  set(state: 'idle' | 'computing' | 'done' | 'cancelled' | 'error', text: string): void;
  progress(done: number, total: number): void;
  onCancel(cancel: () => void): void;
}

export function pageShell(title: string, intro: string): Shell {
  document.title = `ddlab · ${title}`;
  const header = document.createElement('header');
  const brand = document.createElement('a');
  brand.href = './index.html';
  brand.className = 'brand';
  brand.textContent = 'ddlab lab';
  const nav = document.createElement('nav');
  for (const [href, name] of PAGES) {
    const a = document.createElement('a');
    a.href = `./${href}`;
    a.textContent = name;
    if (location.pathname.endsWith(href)) a.className = 'current';
    nav.append(a);
  }
  header.append(brand, nav);
  const main = document.createElement('main');
  const h1 = document.createElement('h1');
  h1.textContent = title;
  const p = document.createElement('p');
  p.className = 'intro';
  p.textContent = intro;
  const controls = document.createElement('div');
  const statusLine = document.createElement('div');
  statusLine.className = 'status';
  statusLine.id = 'status';
  const text = document.createElement('span');
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  const cancel = document.createElement('button');
  cancel.textContent = 'cancel';
  cancel.id = 'cancel';
  cancel.disabled = true;
  statusLine.append(bar, text, cancel);
  const figures = document.createElement('div');
  figures.className = 'figures';
  const notes = document.createElement('div');
  notes.className = 'notes';
  main.append(h1, p, controls, statusLine, figures, notes);
  document.body.append(header, main);
  const status: Status = {
    set(state, t) {
      statusLine.dataset.state = state;
      text.textContent = t;
      cancel.disabled = state !== 'computing';
      if (state === 'done') bar.value = 1;
      if (state === 'computing') bar.value = 0;
    },
    progress(done, total) {
      bar.value = total > 0 ? done / total : 0;
    },
    onCancel(f) {
      cancel.onclick = f;
    },
  };
  return { controls, figures, notes, status };
}

/** A list of problems (bad URL values) shown above the figures. */
export function showProblems(shell: Shell, problems: string[]): void {
  if (problems.length === 0) return;
  const ul = document.createElement('ul');
  ul.className = 'problems';
  for (const p of problems) {
    const li = document.createElement('li');
    li.textContent = p;
    ul.append(li);
  }
  shell.controls.before(ul);
}
