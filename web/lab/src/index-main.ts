// The lab's front page: what each page does, and that everything runs here, in this browser.
import { PAGES, pageShell } from './page-shell';

const shell = pageShell(
  'ddlab in the browser',
  'Double descent computed live in this browser: the science layer of ddlab with onnxruntime-web (WebAssembly), in a Web Worker. No server is involved; every view is a link (the controls are in the URL).',
);
const ul = document.createElement('ul');
for (const [href, name] of PAGES) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = `./${href}`;
  a.textContent = name;
  li.append(a);
  ul.append(li);
}
shell.figures.append(ul);
shell.status.set(
  'idle',
  globalThis.crossOriginIsolated
    ? 'cross-origin isolated: ORT runs multi-threaded'
    : 'not cross-origin isolated: ORT runs in one thread',
);
