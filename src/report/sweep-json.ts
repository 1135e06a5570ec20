// A sweep with every trial and its rows as JSON: what `ddlab export --json` prints and the web lab
// downloads, so both give the same file.
import type { Store, StoredSweep } from '../store/store.js';

export function sweepJson(store: Store, sweep: StoredSweep): string {
  const trials = store.trials(sweep.id).map((t) => ({ ...t, points: store.points(sweep.id, t.id) }));
  return JSON.stringify({ sweep, trials }, null, 2) + '\n';
}
