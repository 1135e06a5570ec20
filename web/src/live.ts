// Live updates: one EventSource on /api/events for the whole app. Pages subscribe to the sweeps
// list and refetch what they show when their sweep's counts change.
import type { SweepEntry } from './api';

type Listener = (sweeps: SweepEntry[]) => void;
const listeners = new Set<Listener>();
let last: SweepEntry[] | undefined;

export function connectLive(indicator: HTMLElement): void {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    indicator.textContent = '● live';
    indicator.className = 'on';
  });
  source.addEventListener('error', () => {
    indicator.textContent = '○ reconnecting';
    indicator.className = '';
  });
  source.addEventListener('sweeps', (e) => {
    last = JSON.parse((e as MessageEvent<string>).data);
    for (const l of listeners) l(last!);
  });
}

/** Calls `listener` with every new list (and at once with the latest, if any); returns unsubscribe. */
export function onSweeps(listener: Listener): () => void {
  listeners.add(listener);
  if (last) listener(last);
  return () => listeners.delete(listener);
}
