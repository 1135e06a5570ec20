// The feature map's rows split across lanes (src/models/feature-lanes.ts) must give the features of
// one session bit for bit: ORT's Gemm computes every element the same way whatever the row split,
// so the split is checked for exact equality, not a tolerance.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomFeatures, rawFeatures } from '../src/models/random-features.js';
import type { FeatureLanes, RawFeatureTask } from '../src/models/feature-lanes.js';
import type { Matrix } from '../src/engine/matrix.js';
import { randomMatrix } from './helpers.js';

/** Lanes on this thread that record the row counts they were given. */
function recordingLanes(lanes: number): FeatureLanes & { rows: number[] } {
  const rows: number[] = [];
  return {
    lanes,
    rows,
    run(task: RawFeatureTask): Promise<Matrix> {
      rows.push(task.x.rows);
      return rawFeatures(task, { threads: 1 });
    },
  };
}

function sameBits(a: Matrix, b: Matrix): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  const u = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const v = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return u.every((x, i) => x === v[i]);
}

describe('feature lanes', () => {
  it.each(['rff', 'relu'] as const)(
    '%s: rows split over 3 lanes give the same bits as one session',
    async (kind) => {
      const x = randomMatrix(401, 20, 4);
      const lanes = recordingLanes(3);
      const one = randomFeatures({ kind, inputDim: 20, maxFeatures: 300, seed: 9 });
      const split = randomFeatures({ kind, inputDim: 20, maxFeatures: 300, seed: 9, lanes });
      for (const [j0, j1] of [
        [0, 70],
        [70, 300],
      ]) {
        expect(sameBits(await split.block(x, j0, j1), await one.block(x, j0, j1))).toBe(true);
      }
      expect(lanes.rows).toEqual([134, 133, 134, 134, 133, 134]);
      // Drawing the next block's weights ahead of time changes none of them.
      for (const j of [0, 69, 70, 139, 299]) expect(split.parameters(j)).toEqual(one.parameters(j));
    },
  );

  it('does not split blocks of few rows (a thread hop would cost more than the rows)', async () => {
    const lanes = recordingLanes(2);
    const map = randomFeatures({ kind: 'rff', inputDim: 5, maxFeatures: 10, seed: 1, lanes });
    const x = randomMatrix(127, 5, 2);
    const f = await map.block(x, 0, 10);
    expect(lanes.rows).toEqual([]);
    expect(
      sameBits(
        f,
        await randomFeatures({ kind: 'rff', inputDim: 5, maxFeatures: 10, seed: 1 }).block(x, 0, 10),
      ),
    ).toBe(true);
  });

  // The worker threads run the compiled worker (dist/, built by `npm test`).
  const compiled = join(import.meta.dirname, '..', 'dist', 'src', 'sweep', 'feature-lanes.js');
  it('on worker threads: the same bits as one session', async () => {
    const { featureLanesOnThreads } = (await import(
      compiled
    )) as typeof import('../src/sweep/feature-lanes.js');
    const lanes = featureLanesOnThreads(2);
    try {
      const x = randomMatrix(300, 30, 6);
      const one = randomFeatures({ kind: 'rff', inputDim: 30, maxFeatures: 500, seed: 2, sigma: 3 });
      const split = randomFeatures({ kind: 'rff', inputDim: 30, maxFeatures: 500, seed: 2, sigma: 3, lanes });
      expect(sameBits(await split.block(x, 0, 500), await one.block(x, 0, 500))).toBe(true);
    } finally {
      await lanes.close();
    }
  });
});
