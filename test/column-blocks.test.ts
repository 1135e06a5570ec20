import { describe, expect, it } from 'vitest';
import { ColumnBlocks, leadingColumnsTimes, leadingColumnsTransposeTimes } from '../src/fit/column-blocks.js';
import { block } from '../src/engine/matrix.js';
import { maxAbs, maxAbsDiff, naiveMatmul, randomMatrix } from './helpers.js';

// Three blocks of 7, 5 and 9 columns over 30 rows: every method against the same columns joined.
function threeBlocks(): { blocks: ColumnBlocks; whole: ReturnType<typeof randomMatrix> } {
  const parts = [randomMatrix(30, 7, 1), randomMatrix(30, 5, 2), randomMatrix(30, 9, 3)];
  const blocks = new ColumnBlocks(30);
  parts.forEach((p) => blocks.append(p));
  return { blocks, whole: blocks.concat(21) };
}

describe('ColumnBlocks', () => {
  it('joins its blocks in order', () => {
    const { whole } = threeBlocks();
    const second = randomMatrix(30, 5, 2);
    expect(block(whole, 0, 30, 7, 12).data).toEqual(second.data);
  });

  it.each([1, 7, 10, 12, 21])('multiplies by its first %i columns like the joined matrix', async (n) => {
    const { blocks, whole } = threeBlocks();
    const lead = block(whole, 0, 30, 0, n);
    const m = randomMatrix(n, 3, 4);
    expect(maxAbsDiff(await blocks.times(n, m), naiveMatmul(lead, m))).toBeLessThan(1e-12);
    const r = randomMatrix(30, 2, 5);
    expect(maxAbsDiff(await blocks.transposeTimes(n, r), naiveMatmul(lead, r, true, false))).toBeLessThan(
      1e-12,
    );
  });

  it.each([1, 7, 10, 12, 21])(
    'gives the lower triangle of the Gram matrix of its first %i columns',
    async (n) => {
      const { blocks, whole } = threeBlocks();
      const lead = block(whole, 0, 30, 0, n);
      const want = naiveMatmul(lead, lead, true, false);
      const got = await blocks.lowerGram(n);
      expect(got.rows).toBe(n);
      expect(got.cols).toBe(n);
      // Entries are sums of 30 products of N(0,1) values: rounding differences far below 1e-12·max.
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++)
          expect(Math.abs(got.data[i * n + j] - want.data[i * n + j])).toBeLessThan(1e-12 * maxAbs(want));
    },
  );
});

describe('products with the leading columns of a block', () => {
  it.each([1, 4, 9])('b[:, 0:%i]·M and b[:, 0:t]ᵀ·M without copying the columns', async (t) => {
    const b = randomMatrix(12, 9, 21);
    const lead = block(b, 0, 12, 0, t);
    const m = randomMatrix(t, 3, 22);
    expect(maxAbsDiff(await leadingColumnsTimes(b, m), naiveMatmul(lead, m))).toBeLessThan(1e-13);
    const r = randomMatrix(12, 2, 23);
    const got = await leadingColumnsTransposeTimes(b, t, r);
    expect([got.rows, got.cols]).toEqual([t, 2]);
    expect(maxAbsDiff(got, naiveMatmul(lead, r, true, false))).toBeLessThan(1e-13);
  });

  it('refuses more columns than the block has', async () => {
    const b = randomMatrix(3, 2, 1);
    await expect(leadingColumnsTimes(b, randomMatrix(3, 1, 2))).rejects.toThrow(/3 rows, the block has 2/);
    await expect(leadingColumnsTransposeTimes(b, 3, randomMatrix(3, 1, 2))).rejects.toThrow(/3 columns/);
  });
});
