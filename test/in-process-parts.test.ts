// Where `ddlab run` runs the trials of a preset that splits a trial into parts (runPart): in this
// process, one after another, each on every core, when a pool of one trial per worker would idle
// on its last round (3 trials on 2 workers); on the pool otherwise (src/cli/run-command.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { runSpec, tempDir } from './sweep-cli-helpers.js';

// Several widths per trial: one-hidden-layer trials of several widths never merge.
const TINY = { n: 100, nTest: 100, epochs: 2, evalEvery: 1, batchSize: 50, widths: [2, 8] };

async function workersOf(seeds: number): Promise<string[]> {
  const dir = tempDir();
  const db = join(dir, 'store.db');
  await runSpec(dir, { preset: 'mlp-width', config: TINY, seeds }, db, '2');
  const store = new Store(db, { readonly: true });
  try {
    const [sweep] = store.sweeps();
    const trials = store.trials(sweep.id);
    expect(trials.map((t) => t.status)).toEqual(Array(seeds).fill('done'));
    return trials.map((t) => t.worker ?? '');
  } finally {
    store.close();
  }
}

describe('trials of a preset with parts on a pool of 2 workers', () => {
  it('3 trials run in this process, one after another', async () => {
    expect(await workersOf(3)).toEqual(['main', 'main', 'main']);
  });

  it('2 trials run on the pool, one per worker', async () => {
    expect((await workersOf(2)).sort()).toEqual(['thread-0', 'thread-1']);
  });
});
