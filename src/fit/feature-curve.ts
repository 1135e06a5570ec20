// The whole-curve least-squares solver for nested random features (DESIGN.md, "whole-curve solvers").
//
// Model with N features: Z_N = s_N · F_N, where F holds the raw features (the first N columns of one
// n × N_max draw) and s_N the family's scale. Fit: minimise ‖Y − Z a‖² + ridge·‖a‖² (ridge = 0: the
// least-squares solution below the threshold, the minimum-norm interpolant at and above it).
//
// Instead of solving each N from scratch, the feature columns are produced once, block by block:
//  - below the threshold (N < n) every Gram matrix F_NᵀF_N is the leading block of F_N*ᵀF_N*
//    (N* the largest such N), and the Cholesky factor of a leading block is the leading block of
//    the factor: one factorisation serves every under-parameterised point (for ridge = 0);
//  - at and above it (N ≥ n) the n × n kernel F_N F_Nᵀ is a running sum over feature blocks, so
//    each point costs one n × n Cholesky, never a rebuild of the features or the kernel.
// On request each point also gets its effective parameters (effective-parameters.ts) from the same
// factors; above the threshold that keeps a second running sum, the cross kernel F₀ Fᵀ of the test
// and training rows.
import { gemmAdd } from '../engine/gemm.js';
import { GramAccumulator } from '../engine/gram-accumulator.js';
import { block, frobeniusNorm, scaled, zeros, type Matrix } from '../engine/matrix.js';
import { choleskySolveBlocked, CholeskyWorkspace } from '../engine/cholesky.js';
import { lowerView } from '../engine/triangular.js';
import type { FeatureMap } from '../models/feature-map.js';
import { ColumnBlocks, leadingColumnsTimesEach, leadingColumnsTransposeTimesEach } from './column-blocks.js';
import { StagedColumns } from './staged-columns.js';
import {
  kernelEffectiveParameters,
  leadingEffectiveParameters,
  shiftedEffectiveParameters,
  type EffectiveParameters,
} from './effective-parameters.js';
import { estimateCondition } from './condition.js';
import { jitteredCholesky } from './jittered-cholesky.js';

export interface CurveProblem {
  featureMap: FeatureMap;
  xTrain: Matrix;
  xTest: Matrix;
  /** Targets, n × outputs (one-hot for classification). */
  yTrain: Matrix;
  /** Model sizes N, strictly increasing, each ≤ featureMap.maxFeatures. */
  features: number[];
  ridge: number;
  /** Feature columns produced per engine call (memory/speed trade-off only; results do not depend on it). */
  blockSize?: number;
  /** Also measure each point's effective parameters (p_train = tr S, p_test on the test rows). */
  effectiveParameters?: boolean;
  /** p_test over the first this many rows of xTest only (default: all); later rows are probes, not test inputs. */
  effectiveTestRows?: number;
  /**
   * 'keep' every feature column (fastest), or 'stream' them: keep only the blocks below the
   * threshold and compute the training and test features once more in a second pass, so memory is
   * O(n² + n·blockSize + nTest·blockSize) instead of O((n + nTest)·N_max), for the same numbers.
   * Default: 'keep' when the features take at most KEEP_FEATURES_BYTES.
   */
  storage?: 'keep' | 'stream';
  onProgress?: (done: number, total: number) => void;
}

export interface CurvePointFit {
  features: number;
  regime: 'underparameterized' | 'interpolating';
  trainPrediction: Matrix;
  testPrediction: Matrix;
  /** Frobenius norm of the N × outputs coefficient matrix a of the scaled features. */
  coefNorm: number;
  /** Condition-number estimate of the Gram matrix that was factorised (κ(Z)², plus ridge). */
  condition: number;
  /** Diagonal jitter that had to be added to factorise it (0 almost always). */
  jitter: number;
  /** Present when the problem asked for it. */
  effectiveParameters?: EffectiveParameters;
}

export async function* fitFeatureCurve(problem: CurveProblem): AsyncGenerator<CurvePointFit> {
  const { featureMap, xTrain, xTest, yTrain, features, ridge } = problem;
  validate(problem);
  const n = xTrain.rows;
  const under = features.filter((f) => f < n);
  const over = features.filter((f) => f >= n);
  const nMax = features[features.length - 1];
  const nStar = under.length > 0 ? under[under.length - 1] : 0;
  const blockSize = problem.blockSize ?? 2048;
  const keep = (problem.storage ?? defaultStorage(n, xTest.rows, nMax)) === 'keep';
  const wanted = problem.effectiveParameters;

  // Kept columns: all of them ('keep'), else only the blocks the under-parameterised fits read.
  let trainFeatures = new ColumnBlocks(n);
  let testFeatures = new ColumnBlocks(xTest.rows);
  // The running kernel F Fᵀ: the first `kernelColumns` features are in it or staged for it. Each new
  // block is added as it comes, cut at the model sizes, so its pieces are the same whether or not
  // the block is kept.
  const kernel = new GramAccumulator(n);
  // The cross kernel F₀ Fᵀ (test rows × n), only for the effective parameters.
  const cross = wanted ? zeros(xTest.rows, n) : undefined;
  // Kernel columns not yet added (staged: added in one GEMM when a model size needs them, or when
  // `stageColumns` of them wait), and the test rows of the same columns for the cross kernel.
  const staged = { train: new StagedColumns(), test: new StagedColumns() };
  const stageColumns = Math.max(blockSize, Math.floor(KERNEL_STAGE_BYTES / (8 * n)));
  const addStaged = async () => {
    const trainColumns = staged.train.take();
    const testColumns = staged.test.take();
    if (!trainColumns) return;
    await kernel.add(trainColumns);
    if (cross && testColumns) await gemmAdd(cross, testColumns, trainColumns, { transB: true, into: cross });
  };
  let kernelColumns = 0;
  let workspace: CholeskyWorkspace | undefined;
  const blocks = Math.ceil(nMax / blockSize);
  let done = 0;
  const total = (keep ? blocks : 2 * blocks) + features.length;
  const tick = () => problem.onProgress?.(++done, total);
  // 'stream': points whose test predictions (and, above the threshold, coefficients) wait for pass 2.
  const pending: PendingPoint[] = [];

  let nextOver = 0;
  const featureBlocks = blocksAhead(featureMap, cutsOf(nMax, blockSize), () => [
    xTrain,
    keep || wanted ? xTest : undefined,
  ]);
  for await (const [j0, j1, [trainBlock, test]] of featureBlocks) {
    const train = trainBlock as Matrix; // always asked for
    if (keep || j0 < nStar) {
      trainFeatures.append(train);
      if (test) testFeatures.append(test);
    }
    tick();
    if (under.length > 0 && j0 < nStar && nStar <= j1) {
      for await (const point of underparameterized(problem, under, trainFeatures, testFeatures, keep)) {
        tick();
        if ('fit' in point) yield point.fit;
        else pending.push(point);
      }
      if (!keep) [trainFeatures, testFeatures] = [new ColumnBlocks(n), new ColumnBlocks(xTest.rows)];
    }
    // Kernel pieces [kernelColumns, end) of this block, up to each model size in it, then up to its
    // end when a larger model follows. The stage is cut at the same places whether or not the block
    // is kept, so the kernel is the same bits either way.
    const addPiece = async (end: number) => {
      const c0 = Math.max(kernelColumns, j0);
      if (c0 >= end) return;
      if (staged.train.columns + (end - c0) > stageColumns) await addStaged();
      staged.train.add(train, c0 - j0, end - j0);
      if (cross && test) staged.test.add(test, c0 - j0, end - j0);
      kernelColumns = end;
    };
    for (; nextOver < over.length && over[nextOver] <= j1; nextOver++) {
      const nf = over[nextOver];
      await addPiece(nf);
      await addStaged();
      tick();
      // One factor buffer for every point: nothing of a factor outlives its point.
      workspace ??= new CholeskyWorkspace(n);
      const solved = await interpolating(
        featureMap.scale(nf),
        ridge,
        nf,
        kernel,
        workspace,
        yTrain,
        cross,
        problem.effectiveTestRows,
      );
      if (keep) yield await completeInterpolating(solved, trainFeatures, testFeatures);
      else pending.push(solved);
    }
    if (nextOver < over.length) await addPiece(j1);
  }
  if (pending.length > 0) yield* secondPass(problem, pending, blockSize, tick);
}

/** The features a point still needs: its coefficients (above the threshold) and test predictions. */
type PendingPoint = PendingUnder | PendingInterpolating;

interface PendingUnder {
  regime: 'underparameterized';
  /** Everything but the test prediction. */
  partial: Omit<CurvePointFit, 'testPrediction'>;
  /** Coefficients of the raw features (nf × outputs). */
  u: Matrix;
}

interface PendingInterpolating {
  regime: 'interpolating';
  partial: Omit<CurvePointFit, 'testPrediction' | 'coefNorm'>;
  s: number;
  /** a = s · Fᵀ α. */
  alpha: Matrix;
}

/**
 * At most this many bytes of kernel columns wait to be added together (StagedColumns): 19 updates
 * of the kernel instead of 47 on Belkin et al.'s curve (n = 10⁴, up to 6·10⁴ features).
 */
const KERNEL_STAGE_BYTES = 512 * 1024 ** 2;

/** The default storage: keep every feature column where the two feature matrices fit in this many bytes. */
export const KEEP_FEATURES_BYTES = 2 * 1024 ** 3;

export function defaultStorage(n: number, nTest: number, nMax: number): 'keep' | 'stream' {
  return 8 * (n + nTest) * nMax <= KEEP_FEATURES_BYTES ? 'keep' : 'stream';
}

/**
 * 'stream': the training features once more (for the coefficients a = s·Fᵀα above the threshold)
 * and the test features, block by block with the same cuts, each block used by every pending point
 * and dropped. The sums run in the order of the kept path's, so the numbers are the same bits.
 */
async function* secondPass(
  problem: CurveProblem,
  pending: PendingPoint[],
  blockSize: number,
  tick: () => void,
): AsyncGenerator<CurvePointFit> {
  const { featureMap, xTrain, xTest } = problem;
  const nMax = problem.features[problem.features.length - 1];
  const last = pending[pending.length - 1].partial.features;
  const progress = pending.map((p) => ({
    testSum: zeros(xTest.rows, p.regime === 'underparameterized' ? p.u.cols : p.alpha.cols),
    coefSquares: 0,
  }));
  let next = 0; // the first point not yet yielded
  // The same cuts as the first pass (feature values depend on the columns computed together), up to
  // the last pending point's block.
  const cuts = cutsOf(nMax, blockSize).filter(([j0]) => j0 < last);
  const needTrain = (j0: number) =>
    pending.some((p) => p.regime === 'interpolating' && p.partial.features > j0);
  for await (const [j0, j1, [train, test]] of blocksAhead(featureMap, cuts, (j0) => [
    needTrain(j0) ? xTrain : undefined,
    xTest,
  ])) {
    if (!test) throw new Error('second pass: no test features');
    // Every point not yet complete uses this block: its coefficients' rows [j0, end), then their
    // share of the test predictions, each product for all points in one GEMM (the same sums as
    // ColumnBlocks.transposeTimes and ColumnBlocks.times give one point in the kept path).
    const active = pending
      .slice(next)
      .map((p, i) => ({ p, k: next + i, t: Math.min(j1, p.partial.features) - j0 }));
    const interpolating = active.filter(({ p }) => p.regime === 'interpolating');
    const trainProducts = interpolating.length
      ? await leadingColumnsTransposeTimesEach(
          train as Matrix,
          interpolating.map(({ p, t }) => ({ t, m: (p as PendingInterpolating).alpha })),
        )
      : [];
    let nextProduct = 0; // trainProducts follow `active`'s order
    const coefs = active.map(({ p, k, t }) => {
      if (p.regime === 'underparameterized') return block(p.u, j0, j0 + t, 0, p.u.cols);
      const coef = scaled(trainProducts[nextProduct++], p.s);
      for (let i = 0; i < coef.data.length; i++) progress[k].coefSquares += coef.data[i] * coef.data[i];
      return coef;
    });
    const parts = await leadingColumnsTimesEach(test, coefs);
    active.forEach(({ k }, i) => {
      const sum = progress[k].testSum.data;
      const part = parts[i].data;
      for (let e = 0; e < sum.length; e++) sum[e] += part[e];
    });
    tick();
    for (; next < pending.length && pending[next].partial.features <= j1; next++) {
      const p = pending[next];
      const { testSum, coefSquares } = progress[next];
      yield p.regime === 'underparameterized'
        ? { ...p.partial, testPrediction: testSum }
        : { ...p.partial, testPrediction: scaled(testSum, p.s), coefNorm: Math.sqrt(coefSquares) };
    }
  }
}

/** The feature blocks' column ranges [j0, j1): blockSize wide, the last one the rest. */
function cutsOf(nMax: number, blockSize: number): [number, number][] {
  const cuts: [number, number][] = [];
  for (let j0 = 0; j0 < nMax; j0 += blockSize) cuts.push([j0, Math.min(j0 + blockSize, nMax)]);
  return cuts;
}

/**
 * The feature blocks of `inputs(j0)` (undefined: not needed) for each column range, in order. When
 * the map computes elsewhere (on lanes), the next range's blocks are asked for before the current
 * ones are handed out, so they are computed while this thread works on the current ones. The
 * blocks are the same either way: the map's values do not depend on when they are asked for.
 */
async function* blocksAhead(
  featureMap: FeatureMap,
  cuts: [number, number][],
  inputs: (j0: number) => (Matrix | undefined)[],
): AsyncGenerator<[number, number, (Matrix | undefined)[]]> {
  const ask = ([j0, j1]: [number, number]) =>
    Promise.all(inputs(j0).map((x) => (x ? featureMap.block(x, j0, j1) : undefined)));
  let ahead: Promise<(Matrix | undefined)[]> | undefined;
  try {
    for (const [k, cut] of cuts.entries()) {
      const current = ahead ?? ask(cut);
      ahead = featureMap.elsewhere && k + 1 < cuts.length ? ask(cuts[k + 1]) : undefined;
      yield [cut[0], cut[1], await current];
    }
  } finally {
    // Left early (an error, or the caller stopped): the block asked ahead is not wanted.
    ahead?.catch(() => undefined);
  }
}

/** Yields whole points, or with `withTest` false points that wait for their test predictions. */
async function* underparameterized(
  problem: CurveProblem,
  under: number[],
  trainFeatures: ColumnBlocks,
  testFeatures: ColumnBlocks,
  withTest: boolean,
): AsyncGenerator<{ fit: CurvePointFit } | PendingUnder> {
  const { featureMap, yTrain, ridge } = problem;
  const nStar = under[under.length - 1];
  let gram: Matrix | undefined = await trainFeatures.lowerGram(nStar); // FᵀF, lower triangle
  const wanted = problem.effectiveParameters;
  const testRows = problem.effectiveTestRows ?? problem.xTest.rows;
  const rhs = await trainFeatures.transposeTimes(nStar, yTrain); // Fᵀ Y
  // Ridgeless: one factorisation for all N. With a ridge the added diagonal ridge/s_N² differs per
  // N, so each point factorises its own (still never rebuilding features or Gram).
  // If the shared factor needed jitter, the smaller models get factors of their own: the jitter
  // must not perturb the leading blocks that factor without it.
  const whole = ridge === 0 ? await jitteredCholesky(gram) : undefined;
  const shared = whole && whole.jitter === 0 ? whole : undefined;
  if (shared) gram = undefined; // only the per-point factors read it: let it go (n² doubles at scale)
  // With the unshifted shared factor, one solve gives every point's effective parameters.
  const fromShared =
    wanted && shared
      ? await leadingEffectiveParameters(shared.factor, nStar, trainFeatures, testFeatures, under, testRows)
      : undefined;
  for (const [k, nf] of under.entries()) {
    const s = featureMap.scale(nf);
    let factor = shared;
    let order = nStar;
    if (!factor) {
      const g = block(gram as Matrix, 0, nf, 0, nf);
      for (let i = 0; i < nf; i++) g.data[i * nf + i] += ridge / (s * s);
      factor = await jitteredCholesky(g);
      order = nf;
    }
    const view = { ...lowerView(factor.factor, order), n: nf };
    // (FᵀF + ridge/s²) u = Fᵀ Y, and a = u / s; the leading block of a shared factor is used in place.
    const u = await choleskySolveBlocked(factor.factor, block(rhs, 0, nf, 0, rhs.cols), nf);
    const partial = {
      features: nf,
      regime: 'underparameterized' as const,
      trainPrediction: await trainFeatures.times(nf, u),
      coefNorm: frobeniusNorm(u) / s,
      condition: estimateCondition(view),
      jitter: factor.jitter,
      ...(wanted && {
        effectiveParameters:
          fromShared?.[k] ??
          (await shiftedEffectiveParameters(
            nf === order ? factor.factor : block(factor.factor, 0, nf, 0, nf),
            trainFeatures,
            testFeatures,
            nf,
            testRows,
          )),
      }),
    };
    if (withTest) yield { fit: { ...partial, testPrediction: await testFeatures.times(nf, u) } };
    else yield { regime: 'underparameterized', partial, u };
  }
}

/**
 * The fit at N = nf ≥ n from the kernel alone (`kernel` holds F Fᵀ for the first `nf` features, so
 * Z Zᵀ = s²·F Fᵀ). The coefficients and test predictions need the features (completeInterpolating
 * or the second pass).
 */
async function interpolating(
  s: number,
  ridge: number,
  nf: number,
  kernel: GramAccumulator,
  workspace: CholeskyWorkspace,
  yTrain: Matrix,
  cross?: Matrix,
  testRows = cross?.rows,
): Promise<PendingInterpolating> {
  // Z Zᵀ + ridge·I, factored straight from the kernel's panels (never copied whole).
  const { factor, jitter } = await jitteredCholesky(kernel.lower(s * s), { shift: ridge, workspace });
  // a = Zᵀ (Z Zᵀ + ridge·I)⁻¹ Y = s · Fᵀ α.
  const alpha = await choleskySolveBlocked(factor, yTrain);
  // Z a = Z Zᵀ α.
  const trainPrediction = await kernel.times(alpha, s * s);
  return {
    regime: 'interpolating',
    s,
    alpha,
    partial: {
      features: nf,
      regime: 'interpolating',
      trainPrediction,
      condition: estimateCondition(lowerView(factor)),
      jitter,
      ...(cross && {
        // S_test = Z₀ Zᵀ (K + μI)⁻¹ with Z₀ Zᵀ = s² F₀ Fᵀ; μ = ridge + jitter is what the factor holds.
        effectiveParameters: await kernelEffectiveParameters(
          factor,
          ridge + jitter,
          scaled(cross, s * s),
          testRows,
        ),
      }),
    },
  };
}

/** The coefficients a = s·Fᵀα and the test predictions s·F₀ a from kept features. */
async function completeInterpolating(
  p: PendingInterpolating,
  trainFeatures: ColumnBlocks,
  testFeatures: ColumnBlocks,
): Promise<CurvePointFit> {
  const nf = p.partial.features;
  const coef = scaled(await trainFeatures.transposeTimes(nf, p.alpha), p.s);
  return {
    ...p.partial,
    testPrediction: scaled(await testFeatures.times(nf, coef), p.s),
    coefNorm: frobeniusNorm(coef),
  };
}

function validate(p: CurveProblem): void {
  const { features, featureMap, xTrain, xTest, yTrain, ridge } = p;
  if (features.length === 0) throw new Error('features: at least one model size is needed');
  features.forEach((f, i) => {
    if (!(Number.isInteger(f) && f > 0)) throw new Error(`features: ${f} is not a positive integer`);
    if (i > 0 && f <= features[i - 1])
      throw new Error(`features must be strictly increasing: ${features[i - 1]}, ${f}`);
  });
  if (features[features.length - 1] > featureMap.maxFeatures) {
    throw new Error(
      `features: ${features[features.length - 1]} exceeds the feature map's ${featureMap.maxFeatures}`,
    );
  }
  if (!(ridge >= 0 && Number.isFinite(ridge)))
    throw new Error(`ridge must be a finite number ≥ 0, got ${ridge}`);
  if (yTrain.rows !== xTrain.rows) throw new Error(`yTrain has ${yTrain.rows} rows, xTrain ${xTrain.rows}`);
  if (xTest.cols !== xTrain.cols) throw new Error(`xTest has ${xTest.cols} columns, xTrain ${xTrain.cols}`);
  const t = p.effectiveTestRows;
  if (t !== undefined && !(Number.isInteger(t) && t >= 1 && t <= xTest.rows))
    throw new Error(`effectiveTestRows must be an integer in [1, ${xTest.rows}] (the test rows), got ${t}`);
}
