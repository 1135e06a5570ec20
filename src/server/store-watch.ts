// Watches the store for writes by other processes (`ddlab run`, workers): SQLite bumps
// `PRAGMA data_version` on this connection whenever another connection commits, so polling it is
// cheap and needs no file-system events (which WAL writes make unreliable). Listeners hear of a
// change only when the sweeps list (ids and status counts) changed: lease heartbeats, which commit
// every few seconds, are not news.
import type { Store } from '../store/store.js';
import { sweepList, type SweepListEntry } from './sweep-views.js';

export interface StoreWatch {
  /** The current list; listeners get it on every change. */
  current(): SweepListEntry[];
  subscribe(listener: (sweeps: SweepListEntry[]) => void): () => void;
  stop(): void;
}

export function watchStore(store: Store, intervalMs = 200): StoreWatch {
  let version = store.dataVersion();
  let list = sweepList(store);
  let key = JSON.stringify(list);
  const listeners = new Set<(sweeps: SweepListEntry[]) => void>();
  const timer = setInterval(() => {
    const now = store.dataVersion();
    if (now === version) return;
    version = now;
    const next = sweepList(store);
    const nextKey = JSON.stringify(next);
    if (nextKey === key) return;
    list = next;
    key = nextKey;
    for (const l of listeners) l(list);
  }, intervalMs);
  timer.unref();
  return {
    current: () => list,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => clearInterval(timer),
  };
}
