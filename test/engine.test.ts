import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm, gemmAdd, gramOfColumns, gramOfRows, subtractProductSum } from '../src/engine/gemm.js';
import { cholesky, solveRightTransposed } from '../src/engine/cholesky.js';
import {
  choleskySolve,
  lowerView,
  multiplyFactored,
  NotPositiveDefiniteError,
  solveLower,
  solveLowerTransposed,
} from '../src/engine/triangular.js';
import { fromRows, transpose } from '../src/engine/matrix.js';
import { maxAbs, maxAbsDiff, naiveMatmul, randomMatrix, randomSpd } from './helpers.js';

// f64 products of N(0,1) entries with inner size k: rounding error ~ k·eps·|terms|, far below 1e-10.
const TOL = 1e-10;

describe('gemm', () => {
  it('matches a naive product for every transpose combination (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        async (m, k, n, transA, transB, seed) => {
          const a = transA ? randomMatrix(k, m, seed) : randomMatrix(m, k, seed);
          const b = transB ? randomMatrix(n, k, seed + 1) : randomMatrix(k, n, seed + 1);
          const got = await gemm(a, b, { transA, transB });
          expect(got.rows).toBe(m);
          expect(got.cols).toBe(n);
          expect(maxAbsDiff(got, naiveMatmul(a, b, transA, transB))).toBeLessThan(TOL);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('computes alpha·A·Bᵀ + beta·C', async () => {
    const a = randomMatrix(7, 5, 1);
    const b = randomMatrix(9, 5, 2);
    const c = randomMatrix(7, 9, 3);
    const got = await gemmAdd(c, a, b, { transB: true, alpha: -2, beta: 0.5 });
    const ab = naiveMatmul(a, b, false, true);
    const want = ab.data.map((x, i) => -2 * x + 0.5 * c.data[i]);
    expect(maxAbsDiff(got.data, want)).toBeLessThan(TOL);
  });

  it('computes both Gram matrices', async () => {
    const a = randomMatrix(13, 6, 4);
    expect(maxAbsDiff(await gramOfColumns(a), naiveMatmul(a, a, true, false))).toBeLessThan(TOL);
    expect(maxAbsDiff(await gramOfRows(a), naiveMatmul(a, a, false, true))).toBeLessThan(TOL);
  });

  it('rejects mismatched shapes with a message naming them', async () => {
    await expect(gemm(randomMatrix(3, 4, 1), randomMatrix(5, 2, 1))).rejects.toThrow(/3x4.*5x2/);
  });

  it('writes into a given output, also in place over C, with the bits of a fresh result', async () => {
    const a = randomMatrix(70, 33, 5);
    const b = randomMatrix(41, 33, 6);
    const c = randomMatrix(70, 41, 7);
    const options = { transB: true, alpha: -1, beta: 1 };
    const fresh = await gemmAdd(c, a, b, options);
    const into = randomMatrix(70, 41, 8);
    expect(await gemmAdd(c, a, b, { ...options, into })).toBe(into);
    expect(into.data).toEqual(fresh.data);
    // In place: C is the output (the blocked Cholesky's trailing updates).
    expect(await gemmAdd(c, a, b, { ...options, into: c })).toBe(c);
    expect(c.data).toEqual(fresh.data);
    // Into a view of a larger buffer, leaving the rest alone.
    const big = new Float64Array(70 * 41 + 10).fill(3);
    const view = { rows: 70, cols: 41, data: big.subarray(5, 5 + 70 * 41) };
    await gemm(a, b, { transB: true, into: view });
    expect(view.data).toEqual((await gemm(a, b, { transB: true })).data);
    expect([...big.subarray(0, 5), ...big.subarray(5 + 70 * 41)]).toEqual(new Array(10).fill(3));
  });

  it('refuses an output of the wrong shape or one that shares storage with A or B', async () => {
    const a = randomMatrix(4, 4, 1);
    await expect(gemm(a, a, { into: randomMatrix(4, 5, 2) })).rejects.toThrow(/output is 4x5, expected 4x4/);
    await expect(gemm(a, randomMatrix(4, 4, 3), { into: a })).rejects.toThrow(/must not share storage/);
  });
});

describe('subtractProductSum', () => {
  // 19 products of inner sizes 1…13, P and Q views into one buffer each (Q's rows among P's, as a
  // Cholesky panel's are): more than one call's chain of 16.
  const [m, n] = [37, 11];
  const pairs = Array.from({ length: 19 }, (_, i) => {
    const k = 1 + ((i * 7) % 13);
    const buffer = randomMatrix(m + 5, k, 100 + i).data;
    const p = { rows: m, cols: k, data: buffer.subarray(5 * k) };
    const q = { rows: n, cols: k, data: buffer.subarray(5 * k, (5 + n) * k) };
    return [p, q] as const;
  });
  const expected = (c: ReturnType<typeof randomMatrix>) => {
    const out = { ...c, data: c.data.slice() };
    for (const [p, q] of pairs) {
      const pq = naiveMatmul(p, q, false, true);
      pq.data.forEach((v, i) => (out.data[i] -= v));
    }
    return out;
  };

  it('is C − Σ P·Qᵀ, in place too, with the same bits however the chain is cut into calls', async () => {
    const c = randomMatrix(m, n, 7);
    const into = randomMatrix(m, n, 8);
    expect(await subtractProductSum(c, pairs, into)).toBe(into);
    expect(maxAbsDiff(into, expected(c))).toBeLessThan(TOL);
    const inPlace = { ...c, data: c.data.slice() };
    await subtractProductSum(inPlace, pairs, inPlace);
    expect(inPlace.data).toEqual(into.data);
    const cut = { ...c, data: c.data.slice() };
    await subtractProductSum(cut, pairs.slice(0, 10), cut);
    await subtractProductSum(cut, pairs.slice(10), cut);
    expect(cut.data).toEqual(into.data);
  });

  it('copies C when there is nothing to subtract, and refuses bad shapes and shared storage', async () => {
    const c = randomMatrix(m, n, 9);
    const into = randomMatrix(m, n, 10);
    const empty = { rows: m, cols: 0, data: new Float64Array(0) };
    await subtractProductSum(c, [[empty, { ...empty, rows: n }]], into);
    expect(into.data).toEqual(c.data);
    await expect(subtractProductSum(c, [[pairs[0][1], pairs[0][1]]], into)).rejects.toThrow(
      /P is 11x1 and Q 11x1, expected 37xk and 11xk/,
    );
    const [p, q] = pairs[5]; // k = 10: its buffer holds an m × n output
    const sharing = { rows: m, cols: n, data: new Float64Array(p.data.buffer, 0, m * n) };
    await expect(subtractProductSum(c, [[p, q]], sharing)).rejects.toThrow(/must not share storage/);
  });
});

describe('cholesky', () => {
  it.each([1, 5, 128, 129, 256, 257, 300, 517, 800])('factors a random SPD matrix of order %i', async (n) => {
    const a = randomSpd(n, n);
    const l = await cholesky(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l.data[i * n + j]).toBe(0);
    // Backward error of Cholesky is O(n·eps·‖A‖); ‖A‖ ~ n here, so 1e-9·‖A‖ is a loose bound.
    expect(maxAbsDiff(naiveMatmul(l, l, false, true), a)).toBeLessThan(1e-11 * n * maxAbs(a));
  });

  it('reports the pivot where a matrix stops being positive definite', async () => {
    // Rank-deficient: rows 0 and 1 are equal, so the second pivot is 0.
    const a = fromRows([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    await expect(cholesky(a)).rejects.toBeInstanceOf(NotPositiveDefiniteError);
    const big = randomSpd(300, 9);
    big.data[200 * 300 + 200] = -1e6;
    await expect(cholesky(big)).rejects.toThrow(/pivot 200/);
    // In a later column panel, after the left-looking update: the index is still the global one.
    const later = randomSpd(600, 10);
    later.data[530 * 600 + 530] = -1e6;
    await expect(cholesky(later)).rejects.toThrow(/pivot 530/);
  });

  it('factors A + shift·I read through a source, into a reused workspace: fresh bits, fresh inverses', async () => {
    const { CholeskyWorkspace, choleskySolveBlocked, symmetricSource } =
      await import('../src/engine/cholesky.js');
    const n = 300;
    const space = new CholeskyWorkspace(n);
    const first = randomSpd(n, 31);
    const second = randomSpd(n, 32);
    const shifted = { ...second, data: second.data.slice() };
    for (let i = 0; i < n; i++) shifted.data[i * n + i] += 2.5;
    const b = randomMatrix(n, 2, 33);
    // The first factor and its solve fill the workspace's caches; the second must not see them.
    const l1 = await cholesky(first, { workspace: space });
    await choleskySolveBlocked(l1, b);
    await solveRightTransposed(l1, randomMatrix(3, n, 34));
    const l2 = await cholesky(symmetricSource(second), { shift: 2.5, workspace: space });
    expect(l2).toBe(space.factor);
    const fresh = await cholesky(shifted);
    expect(l2.data.every((v, i) => Object.is(v, fresh.data[i]))).toBe(true);
    const x = await choleskySolveBlocked(l2, b);
    expect(maxAbsDiff(naiveMatmul(shifted, x), b)).toBeLessThan(1e-10 * maxAbs(b));
    const r = randomMatrix(3, n, 35);
    const y = await solveRightTransposed(l2, r);
    expect(maxAbsDiff(naiveMatmul(y, l2, false, true), r)).toBeLessThan(1e-9 * maxAbs(r));
    await expect(cholesky(randomSpd(5, 1), { workspace: space })).rejects.toThrow(/workspace of order 300/);
  });

  it('solves X Lᵀ = B for a large blocked factor', async () => {
    const l = await cholesky(randomSpd(400, 3));
    const b = randomMatrix(37, 400, 4);
    const x = await solveRightTransposed(l, b);
    expect(maxAbsDiff(naiveMatmul(x, l, false, true), b)).toBeLessThan(1e-9 * maxAbs(b));
  });
});

describe('triangular kernels', () => {
  it('solve L X = B, Lᵀ X = B and (LLᵀ) X = B', async () => {
    const n = 60;
    const a = randomSpd(n, 11);
    const l = await cholesky(a);
    const b = randomMatrix(n, 3, 12);
    const v = lowerView(l);
    expect(maxAbsDiff(naiveMatmul(l, solveLower(v, b)), b)).toBeLessThan(1e-10);
    expect(maxAbsDiff(naiveMatmul(transpose(l), solveLowerTransposed(v, b)), b)).toBeLessThan(1e-10);
    expect(maxAbsDiff(naiveMatmul(a, choleskySolve(v, b)), b)).toBeLessThan(1e-9);
    const x = randomMatrix(n, 1, 13).data;
    expect(maxAbsDiff(multiplyFactored(v, x), naiveMatmul(a, randomMatrix(n, 1, 13)).data)).toBeLessThan(
      1e-9,
    );
  });

  it('uses the leading block of a factor as the factor of the leading block', async () => {
    const n = 200;
    const a = randomSpd(n, 21);
    const l = await cholesky(a);
    const m = 77;
    const lead = fromRows(Array.from({ length: m }, (_, i) => Array.from(a.data.subarray(i * n, i * n + m))));
    const b = randomMatrix(m, 2, 22);
    const x = choleskySolve(lowerView(l, m), b);
    expect(maxAbsDiff(naiveMatmul(lead, x), b)).toBeLessThan(1e-9);
  });
});

describe('blocked solves with a Cholesky factor', () => {
  it('solveRight, and (L Lᵀ) X = B through GEMMs, for orders across the leaf size', async () => {
    const { solveRight, choleskySolveBlocked } = await import('../src/engine/cholesky.js');
    for (const n of [50, 128, 300]) {
      const a = randomSpd(n, 40 + n);
      const l = await cholesky(a);
      const b = randomMatrix(7, n, 41);
      const x = await solveRight(l, b);
      expect(maxAbsDiff(naiveMatmul(x, l), b)).toBeLessThan(1e-9 * maxAbs(b));
      const rhs = randomMatrix(n, 4, 42);
      const sol = await choleskySolveBlocked(l, rhs);
      expect(maxAbsDiff(naiveMatmul(a, sol), rhs)).toBeLessThan(1e-9 * maxAbs(rhs) * n);
    }
  });

  it('(L Lᵀ) X = B with the leading block of a factor, at orders inside, on and past panel edges', async () => {
    const { choleskySolveBlocked } = await import('../src/engine/cholesky.js');
    const n = 600; // five panels of the factorisation: four of 128, one of 88
    const a = randomSpd(n, 43);
    const l = await cholesky(a);
    for (const m of [1, 100, 256, 257, 512, 599, 600]) {
      // The factor of A's leading block is the leading block of A's factor (one factor, every order).
      const lead = fromRows(
        Array.from({ length: m }, (_, i) => Array.from(a.data.subarray(i * n, i * n + m))),
      );
      const rhs = randomMatrix(m, 3, 44 + m);
      const sol = await choleskySolveBlocked(l, rhs, m);
      expect(sol.rows).toBe(m);
      // ‖A‖ ~ n here and the factor is well conditioned (shift 1 on B Bᵀ), so residuals stay ~1e-12·n.
      expect(maxAbsDiff(naiveMatmul(lead, sol), rhs)).toBeLessThan(1e-9 * maxAbs(rhs) * n);
    }
    await expect(choleskySolveBlocked(l, randomMatrix(5, 1, 1), 6)).rejects.toThrow(/5 rows, expected 6/);
    await expect(choleskySolveBlocked(l, randomMatrix(5, 1, 1), 601)).rejects.toThrow(/order 601/);
  });

  it('factors and solves at an order with panels of 256 (n > 4096), checked through GEMMs', async () => {
    const { choleskySolveBlocked, panelWidth } = await import('../src/engine/cholesky.js');
    const n = 4200;
    expect(panelWidth(n)).toBe(256);
    const f = randomMatrix(n, 64, 45);
    const a = await gemm(f, f, { transB: true });
    for (let i = 0; i < n; i++) a.data[i * n + i] += n;
    const l = await cholesky(a);
    // κ(A) is small (rank 64 plus the shift n), so L Lᵀ = A and the solves hold to ~1e-13 relative:
    // checked on random vectors, A·V = L·(Lᵀ·V).
    const v = randomMatrix(n, 3, 47);
    const av = await gemm(a, v);
    const llv = await gemm(l, await gemm(l, v, { transA: true }));
    expect(maxAbsDiff(av, llv)).toBeLessThan(1e-12 * maxAbs(av));
    for (const m of [n, 4097, 300]) {
      const lead = { rows: m, cols: m, data: new Float64Array(m * m) };
      for (let i = 0; i < m; i++) lead.data.set(a.data.subarray(i * n, i * n + m), i * m);
      const rhs = randomMatrix(m, 3, 46);
      const x = await choleskySolveBlocked(l, rhs, m);
      const r = await gemmAdd(rhs, lead, x, { alpha: -1, beta: 1 });
      expect(maxAbs(r)).toBeLessThan(1e-10 * maxAbs(rhs));
    }
  });
});

describe('GramAccumulator', () => {
  // The accumulated Σ A Aᵀ over blocks, and the naive sum to compare with.
  async function accumulated(n: number, panels: number | undefined, widths: number[], seed: number) {
    const { GramAccumulator } = await import('../src/engine/gram-accumulator.js');
    const acc = new GramAccumulator(n, panels);
    const blocks = widths.map((w, k) => randomMatrix(n, w, seed + k));
    for (const a of blocks) await acc.add(a); // each add updates the panels in place
    const want = naiveMatmul(blocks[0], blocks[0], false, true);
    for (const a of blocks.slice(1)) {
      const w = naiveMatmul(a, a, false, true);
      for (let i = 0; i < want.data.length; i++) want.data[i] += w.data[i];
    }
    return { acc, want };
  }

  it.each([5, 700, 1500])('accumulates Σ A Aᵀ over blocks for n = %i: its lower triangle', async (n) => {
    const { acc, want } = await accumulated(n, undefined, [3, 5], 1);
    const got = acc.lower().copyBlock(0, n, 0, n, new Float64Array(n * n));
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++)
        expect(Math.abs(got.data[i * n + j] - want.data[i * n + j])).toBeLessThan(1e-11);
  });

  it.each([1, 2, 5, 16])(
    'with %i panels: lower(scale) copies any block of scale·Σ A Aᵀ, times(B, scale) is scale·G·B',
    async (panels) => {
      const n = 203; // not a multiple of the panel count
      const { acc, want } = await accumulated(n, panels, [7, 1, 9], 11);
      const scaled = want.data.map((x) => -2.5 * x);
      // 17 products per entry: the rounding of either order is ~17·2⁻⁵³ of the largest term.
      const tolerance = 1e-12 * maxAbs(scaled) * 17;
      const source = acc.lower(-2.5);
      const into = randomMatrix(n, n, 14).data; // a used buffer: its old values must not show
      for (const [r0, r1, c0, c1] of [
        [0, n, 0, n],
        [37, 150, 20, 90],
        [100, 203, 100, 131],
        [5, 6, 5, 6],
      ]) {
        const got = source.copyBlock(r0, r1, c0, c1, into);
        expect([got.rows, got.cols]).toEqual([r1 - r0, c1 - c0]);
        for (let i = r0; i < r1; i++)
          for (let j = c0; j < Math.min(c1, i + 1); j++)
            expect(Math.abs(got.data[(i - r0) * (c1 - c0) + (j - c0)] - scaled[i * n + j])).toBeLessThan(
              tolerance,
            );
      }
      const b = randomMatrix(n, 3, 15);
      const product = await acc.times(b, -2.5);
      const naive = naiveMatmul({ rows: n, cols: n, data: scaled }, b);
      expect(maxAbsDiff(product, naive)).toBeLessThan(tolerance * n * maxAbs(b));
    },
  );
});

describe('Rng', () => {
  it('fillNormal gives exactly the numbers of repeated normal() calls, at any split', async () => {
    const { Rng } = await import('../src/engine/random.js');
    const a = new Rng(5, 3);
    const one = Array.from({ length: 11 }, () => a.normal());
    const b = new Rng(5, 3);
    const parts = [
      b.fillNormal(new Float64Array(3)),
      b.fillNormal(new Float64Array(5)),
      b.fillNormal(new Float64Array(3)),
    ];
    expect(parts.flatMap((p) => Array.from(p))).toEqual(one);
  });

  it('normal() has mean 0 and variance 1; uniform() is in [0, 1) with mean 1/2', async () => {
    const { Rng } = await import('../src/engine/random.js');
    const r = new Rng(1);
    const z = r.fillNormal(new Float64Array(200_000));
    const m = z.reduce((s, x) => s + x, 0) / z.length;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / z.length;
    // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance; 5σ bounds.
    expect(Math.abs(m)).toBeLessThan(0.011);
    expect(Math.abs(v - 1)).toBeLessThan(0.016);
    const u = Array.from({ length: 100_000 }, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((s, x) => s + x, 0) / u.length - 0.5)).toBeLessThan(0.005);
  });

  it('depends on the seed and the stream', async () => {
    const { Rng } = await import('../src/engine/random.js');
    expect(new Rng(1).uniform()).toBe(new Rng(1).uniform());
    expect(new Rng(1).uniform()).not.toBe(new Rng(2).uniform());
    expect(new Rng(1, 0).uniform()).not.toBe(new Rng(1, 1).uniform());
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer/);
  });

  it('Streams names every stream of src/ once, with the numbers results were made with', async () => {
    const { Streams } = await import('../src/engine/random.js');
    const values = Object.values(Streams);
    expect(new Set(values).size).toBe(values.length);
    // The probes' streams were the literals 40 and 41: renaming must not change any number.
    expect([Streams.sharpnessStart, Streams.minibatchRigOrder]).toEqual([40, 41]);
  });
});
