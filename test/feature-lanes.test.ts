// The feature map's rows split across lanes (src/models/feature-lanes.ts) must give the features of
// one session bit for bit: ORT's Gemm computes every element the same way whatever the row split,
// so the split is checked for exact equality, not a tolerance.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomFeatures, rawFeatures, rowCuts } from '../src/models/random-features.js';
import type { FeatureLanes, RawFeatureTask } from '../src/models/feature-lanes.js';
import { zeros, type Matrix } from '../src/engine/matrix.js';
import { fitFeatureCurve, type CurvePointFit } from '../src/fit/feature-curve.js';
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

  // ORT's f64 Cos computes pairs of elements vectorised and an odd last element with the scalar cos,
  // which differ in the last bit: a chunk that started at an odd element would change bits.
  it('cuts chunks at even elements: an odd start would change the last bits of cos', async () => {
    expect(rowCuts(401, 70, 3)).toEqual([0, 134, 267, 401]);
    expect(rowCuts(401, 1, 2)).toEqual([0, 200, 401]);
    expect(rowCuts(401, 129, 3)).toEqual([0, 134, 268, 401]);
    const x = randomMatrix(400, 1, 3);
    const w = { rows: 1, cols: 1, data: new Float64Array([3]) };
    const b = new Float64Array([0.3]);
    const whole = await rawFeatures({ kind: 'rff', x, w, b });
    let differ = 0;
    for (let i = 0; i < 100; i++) {
      const alone = await rawFeatures({
        kind: 'rff',
        x: { rows: 1, cols: 1, data: x.data.slice(i, i + 1) },
        w,
        b,
      });
      if (alone.data[0] !== whole.data[i]) differ++;
    }
    expect(differ).toBeGreaterThan(0);
    // Blocks one feature wide and 129 wide: odd widths, odd row counts, still the same bits.
    const lanes = recordingLanes(2);
    const y = randomMatrix(401, 20, 4);
    const one = randomFeatures({ kind: 'rff', inputDim: 20, maxFeatures: 200, seed: 9 });
    const split = randomFeatures({ kind: 'rff', inputDim: 20, maxFeatures: 200, seed: 9, lanes });
    for (const [j0, j1] of [
      [0, 70],
      [70, 71],
      [71, 200],
    ])
      expect(sameBits(await split.block(y, j0, j1), await one.block(y, j0, j1))).toBe(true);
    expect(lanes.rows).toEqual([201, 200, 200, 201, 200, 201]);
  });

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
  const onThreads = async (lanes: number) =>
    ((await import(compiled)) as typeof import('../src/sweep/feature-lanes.js')).featureLanesOnThreads(lanes);

  // Nothing else keeps this process alive: the lanes must while a block is out (else Node ends it
  // with "unsettled top-level await", exit code 13), and close() must end them.
  it('on worker threads: a process with nothing else to do waits for its blocks and ends after close()', () => {
    const url = (file: string) => pathToFileURL(join(import.meta.dirname, '..', 'dist', 'src', file)).href;
    const script = `
      const { featureLanesOnThreads } = await import(${JSON.stringify(url('sweep/feature-lanes.js'))});
      const { randomFeatures } = await import(${JSON.stringify(url('models/random-features.js'))});
      const x = { rows: 300, cols: 10, data: new Float64Array(3000).map((_, i) => Math.sin(i)) };
      let length = 0;
      for (let round = 0; round < 3; round++) { // each close() a chance to end the process too early
        const lanes = featureLanesOnThreads(2);
        const map = randomFeatures({ kind: 'rff', inputDim: 10, maxFeatures: 100, seed: 1, lanes });
        length += (await map.block(x, 0, 50)).data.length;
        await new Promise((resolve) => setTimeout(resolve, 50)); // the lanes idle: they must not hold the process
        length += (await map.block(x, 50, 100)).data.length;
        await lanes.close();
      }
      console.log(length);`;
    const file = join(mkdtempSync(join(tmpdir(), 'ddlab-lanes-')), 'lanes.mjs');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect([child.status, child.stdout.trim(), child.stderr]).toEqual([0, '90000', '']);
  });

  it('on worker threads: the same bits as one session', async () => {
    const lanes = await onThreads(2);
    try {
      const x = randomMatrix(300, 30, 6);
      const one = randomFeatures({ kind: 'rff', inputDim: 30, maxFeatures: 500, seed: 2, sigma: 3 });
      const split = randomFeatures({ kind: 'rff', inputDim: 30, maxFeatures: 500, seed: 2, sigma: 3, lanes });
      expect(sameBits(await split.block(x, 0, 500), await one.block(x, 0, 500))).toBe(true);
    } finally {
      await lanes.close();
    }
  });

  // Whole blocks: each lane keeps its rows of every input, reads the weights from shared memory and
  // the lanes assemble the block. Inputs alternate (train and test rows, as the solver asks), blocks
  // are asked for before the last one is back, and nothing of this thread's is detached.
  it.each([
    ['rff', 2],
    ['relu', 3],
  ] as const)(
    '%s on %i worker threads: whole blocks, inputs kept there, the same bits',
    async (kind, count) => {
      const lanes = await onThreads(count);
      try {
        const train = randomMatrix(401, 20, 4);
        const test = randomMatrix(250, 20, 5);
        const one = randomFeatures({ kind, inputDim: 20, maxFeatures: 300, seed: 9 });
        const split = randomFeatures({ kind, inputDim: 20, maxFeatures: 300, seed: 9, lanes });
        const cuts = [0, 70, 71, 200, 300];
        const asked = cuts.slice(1).flatMap((j1, i) => [train, test].map((x) => split.block(x, cuts[i], j1)));
        const got = await Promise.all(asked);
        for (const [i, j1] of cuts.slice(1).entries()) {
          for (const [k, x] of [train, test].entries())
            expect(sameBits(got[2 * i + k], await one.block(x, cuts[i], j1))).toBe(true);
        }
        expect([train.data.length, test.data.length]).toEqual([401 * 20, 250 * 20]);
        for (const j of [0, 69, 70, 299]) expect(split.parameters(j)).toEqual(one.parameters(j));
      } finally {
        await lanes.close();
      }
    },
  );

  it('on worker threads: an input changed between blocks is sent again, not served stale', async () => {
    const lanes = await onThreads(2);
    try {
      const x = randomMatrix(200, 10, 7);
      const one = randomFeatures({ kind: 'rff', inputDim: 10, maxFeatures: 40, seed: 3 });
      const split = randomFeatures({ kind: 'rff', inputDim: 10, maxFeatures: 40, seed: 3, lanes });
      expect(sameBits(await split.block(x, 0, 20), await one.block(x, 0, 20))).toBe(true);
      x.data.set(randomMatrix(200, 10, 8).data);
      expect(sameBits(await split.block(x, 20, 40), await one.block(x, 20, 40))).toBe(true);
      // Fewer rows than two lanes are worth: one session on this thread, with a copy of the shared weights.
      const small = randomMatrix(100, 10, 9);
      expect(sameBits(await split.block(small, 0, 40), await one.block(small, 0, 40))).toBe(true);
    } finally {
      await lanes.close();
    }
  });

  it('on worker threads: a failing block is reported and the lanes go on; run() and restarts work', async () => {
    const lanes = await onThreads(2);
    const x = randomMatrix(130, 4, 10);
    const w = randomMatrix(6, 4, 11);
    const b = randomMatrix(1, 6, 12).data;
    const here = await rawFeatures({ kind: 'rff', x, w, b });
    try {
      // rff without its offsets fails in both lanes; the error comes back along the chain.
      await expect(lanes.block!({ kind: 'rff', x, w }, [0, 65, 130])).rejects.toThrow(/offsets b/);
      await expect(lanes.block!({ kind: 'rff', x, w, b }, [0, 130, 131])).rejects.toThrow(/cuts/);
      expect(sameBits(await lanes.block!({ kind: 'rff', x, w, b }, [0, 65, 130]), here)).toBe(true);
      const copy = (m: Matrix) => ({ ...m, data: m.data.slice() });
      const chunk = await lanes.run({ kind: 'rff', x: copy(x), w: copy(w), b: b.slice() });
      expect(sameBits(chunk, here)).toBe(true);
      await lanes.close();
      // Closed lanes start again on the next block, with nothing kept from before.
      expect(sameBits(await lanes.block!({ kind: 'rff', x, w, b }, [0, 65, 130]), here)).toBe(true);
    } finally {
      await lanes.close();
    }
  });

  // The whole-curve solver asks for the next block before it works on the current one when the map
  // computes on lanes; the points must be the same bits as without lanes, kept or streamed.
  it.each(['keep', 'stream'] as const)(
    'the curve solver on worker threads, one block ahead, storage %s: the same points as without lanes',
    async (storage) => {
      const lanes = await onThreads(2);
      const [n, d] = [150, 6];
      const xTrain = randomMatrix(n, d, 31);
      const xTest = randomMatrix(131, d, 32);
      const yTrain = zeros(n, 2);
      for (let i = 0; i < n; i++) yTrain.data[2 * i + (xTrain.data[i * d] > 0 ? 1 : 0)] = 1;
      const events: string[] = [];
      const fit = async (withLanes: boolean) => {
        const base = randomFeatures({
          kind: 'rff',
          inputDim: d,
          maxFeatures: 300,
          seed: 5,
          sigma: 2,
          ...(withLanes && { lanes }),
        });
        const featureMap = {
          ...base,
          block: (x: Matrix, j0: number, j1: number) => (
            events.push(`${x === xTrain ? 'train' : 'test'} ${j0}`),
            base.block(x, j0, j1)
          ),
        };
        const points: CurvePointFit[] = [];
        const curve = fitFeatureCurve({
          featureMap,
          xTrain,
          xTest,
          yTrain,
          features: [20, 90, 149, 150, 151, 220, 300],
          ridge: 0,
          blockSize: 45, // odd: chunks of odd rows cut at even elements
          effectiveParameters: true,
          storage,
        });
        for await (const p of curve) {
          events.push(`point ${p.features}`);
          points.push(p);
        }
        return points;
      };
      // Kept: block [135, 180) holds the threshold and yields every N up to 151, [180, 225) N = 220.
      // Streamed: the points come in the second pass, N = 20 with block [0, 45), N = 220 with [180, 225).
      const pairs =
        storage === 'keep'
          ? [
              ['train 180', 'point 20'],
              ['train 225', 'point 220'],
            ]
          : [
              ['test 45', 'point 20'],
              ['test 225', 'point 220'],
            ];
      const askedFirst = () => pairs.map(([ask, point]) => events.lastIndexOf(ask) < events.indexOf(point));
      try {
        const alone = await fit(false);
        expect(askedFirst()).toEqual([false, false]);
        events.length = 0;
        const onLanes = await fit(true);
        expect(onLanes.length).toBe(alone.length);
        onLanes.forEach((p, i) => expect(p).toEqual(alone[i]));
        expect(askedFirst()).toEqual([true, true]);
      } finally {
        await lanes.close();
      }
    },
  );
});
