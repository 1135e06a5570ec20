import { describe, expect, it } from 'vitest';
import { StagedColumns } from '../src/fit/staged-columns.js';
import { block } from '../src/engine/matrix.js';
import { randomMatrix } from './helpers.js';

describe('StagedColumns', () => {
  it('gives the pieces side by side, in the order added, and starts empty again', () => {
    const [a, b] = [randomMatrix(6, 5, 1), randomMatrix(6, 4, 2)];
    const stage = new StagedColumns();
    expect(stage.take()).toBeUndefined();
    stage.add(a, 3, 5);
    stage.add(b, 0, 4);
    stage.add(a, 0, 1);
    expect(stage.columns).toBe(7);
    const got = stage.take();
    expect(got && [got.rows, got.cols]).toEqual([6, 7]);
    for (let i = 0; i < 6; i++) {
      const want = [...block(a, i, i + 1, 3, 5).data, ...b.data.subarray(i * 4, i * 4 + 4), a.data[i * 5]];
      expect(Array.from(got!.data.subarray(i * 7, i * 7 + 7))).toEqual(want);
    }
    expect(stage.columns).toBe(0);
    expect(stage.take()).toBeUndefined();
  });

  it('hands a lone whole block back as it is, and reuses its buffer from take to take', () => {
    const a = randomMatrix(4, 3, 3);
    const stage = new StagedColumns();
    stage.add(a, 0, 3);
    expect(stage.take()).toBe(a);
    stage.add(a, 0, 2);
    const first = stage.take()!;
    stage.add(a, 1, 3);
    const second = stage.take()!;
    expect(second.data.buffer).toBe(first.data.buffer);
    expect(Array.from(second.data)).toEqual([1, 2, 4, 5, 7, 8, 10, 11].map((k) => a.data[k]));
  });

  it('refuses columns outside the block and blocks of another height', () => {
    const stage = new StagedColumns();
    expect(() => stage.add(randomMatrix(4, 3, 1), 2, 4)).toThrow(/\[2, 4\) outside the block's 3/);
    expect(() => stage.add(randomMatrix(4, 3, 1), 1, 1)).toThrow(/\[1, 1\)/);
    stage.add(randomMatrix(4, 3, 1), 0, 1);
    expect(() => stage.add(randomMatrix(5, 3, 1), 0, 1)).toThrow(/5 rows, expected 4/);
  });
});
