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
import { gemm, gemmAdd, gramOfColumns } from '../engine/gemm.js';
import { GramAccumulator } from '../engine/gram-accumulator.js';
import { block, frobeniusNorm, scaled, zeros, type Matrix } from '../engine/matrix.js';
import { choleskySolveBlocked } from '../engine/cholesky.js';
import { lowerView } from '../engine/triangular.js';
import type { FeatureMap } from '../models/feature-map.js';
import { ColumnBlocks } from './column-blocks.js';
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
  const blockSize = problem.blockSize ?? 2048;

  const trainFeatures = new ColumnBlocks(n);
  const testFeatures = new ColumnBlocks(xTest.rows);
  // The running kernel F Fᵀ over the first `kernelColumns` features, brought up to date lazily at
  // each interpolating point, so that its rank updates are wide (efficient) GEMMs.
  const kernel = new GramAccumulator(n);
  // The cross kernel F₀ Fᵀ (test rows × n), only for the effective parameters.
  let cross = problem.effectiveParameters ? zeros(xTest.rows, n) : undefined;
  let kernelColumns = 0;
  let done = 0;
  const total = Math.ceil(nMax / blockSize) + features.length;
  const tick = () => problem.onProgress?.(++done, total);

  let nextUnder = 0;
  let nextOver = 0;
  for (let j0 = 0; j0 < nMax;) {
    const j1 = Math.min(j0 + blockSize, nMax);
    trainFeatures.append(await featureMap.block(xTrain, j0, j1));
    testFeatures.append(await featureMap.block(xTest, j0, j1));
    j0 = j1;
    tick();
    if (nextUnder < under.length && under[under.length - 1] <= j1) {
      for await (const point of underparameterized(problem, under, trainFeatures, testFeatures)) {
        tick();
        yield point;
      }
      nextUnder = under.length;
    }
    for (; nextOver < over.length && over[nextOver] <= j1; nextOver++) {
      const nf = over[nextOver];
      for (const slice of trainFeatures.slices(kernelColumns, nf)) await kernel.add(slice);
      if (cross) {
        const testSlices = testFeatures.slices(kernelColumns, nf);
        const trainSlices = trainFeatures.slices(kernelColumns, nf);
        for (let k = 0; k < trainSlices.length; k++)
          cross = await gemmAdd(cross, testSlices[k], trainSlices[k], { transB: true });
      }
      kernelColumns = nf;
      tick();
      const s = featureMap.scale(nf);
      yield await interpolating(s, ridge, nf, kernel.full(s * s), yTrain, trainFeatures, testFeatures, cross);
    }
  }
}

async function* underparameterized(
  problem: CurveProblem,
  under: number[],
  trainFeatures: ColumnBlocks,
  testFeatures: ColumnBlocks,
): AsyncGenerator<CurvePointFit> {
  const { featureMap, yTrain, ridge } = problem;
  const nStar = under[under.length - 1];
  const gram = await gramOfColumns(trainFeatures.concat(nStar));
  const wanted = problem.effectiveParameters;
  const rhs = await trainFeatures.transposeTimes(nStar, yTrain); // Fᵀ Y
  // Ridgeless: one factorisation for all N. With a ridge the added diagonal ridge/s_N² differs per
  // N, so each point factorises its own (still never rebuilding features or Gram).
  // If the shared factor needed jitter, the smaller models get factors of their own: the jitter
  // must not perturb the leading blocks that factor without it.
  const whole = ridge === 0 ? await jitteredCholesky(gram) : undefined;
  const shared = whole && whole.jitter === 0 ? whole : undefined;
  // With the unshifted shared factor, one solve gives every point's effective parameters.
  const fromShared =
    wanted && shared
      ? await leadingEffectiveParameters(shared.factor, nStar, trainFeatures, testFeatures, under)
      : undefined;
  for (const [k, nf] of under.entries()) {
    const s = featureMap.scale(nf);
    let factor = shared;
    let order = nStar;
    if (!factor) {
      const g = block(gram, 0, nf, 0, nf);
      for (let i = 0; i < nf; i++) g.data[i * nf + i] += ridge / (s * s);
      factor = await jitteredCholesky(g);
      order = nf;
    }
    const view = { ...lowerView(factor.factor, order), n: nf };
    // (FᵀF + ridge/s²) u = Fᵀ Y, and a = u / s.
    const lead = nf === order ? factor.factor : block(factor.factor, 0, nf, 0, nf);
    const u = await choleskySolveBlocked(lead, block(rhs, 0, nf, 0, rhs.cols));
    yield {
      features: nf,
      regime: 'underparameterized',
      trainPrediction: await trainFeatures.times(nf, u),
      testPrediction: await testFeatures.times(nf, u),
      coefNorm: frobeniusNorm(u) / s,
      condition: estimateCondition(view),
      jitter: factor.jitter,
      ...(wanted && {
        effectiveParameters:
          fromShared?.[k] ?? (await shiftedEffectiveParameters(lead, trainFeatures, testFeatures, nf)),
      }),
    };
  }
}

/** `zzT` is Z Zᵀ = s² F Fᵀ for the first `nf` features; it is modified in place. */
async function interpolating(
  s: number,
  ridge: number,
  nf: number,
  zzT: Matrix,
  yTrain: Matrix,
  trainFeatures: ColumnBlocks,
  testFeatures: ColumnBlocks,
  cross?: Matrix,
): Promise<CurvePointFit> {
  const n = zzT.rows;
  const system = zzT; // Z Zᵀ + ridge·I: Z Zᵀ itself is needed only through it
  for (let i = 0; i < n; i++) system.data[i * n + i] += ridge;
  const { factor, jitter } = await jitteredCholesky(system);
  // a = Zᵀ (Z Zᵀ + ridge·I)⁻¹ Y = s · Fᵀ α.
  const alpha = await choleskySolveBlocked(factor, yTrain);
  const coef = scaled(await trainFeatures.transposeTimes(nf, alpha), s);
  // Z a = Z Zᵀ α = (system − ridge·I) α.
  const trainPrediction = await gemm(system, alpha);
  for (let i = 0; i < trainPrediction.data.length; i++) trainPrediction.data[i] -= ridge * alpha.data[i];
  return {
    features: nf,
    regime: 'interpolating',
    trainPrediction,
    testPrediction: scaled(await testFeatures.times(nf, coef), s),
    coefNorm: frobeniusNorm(coef),
    condition: estimateCondition(lowerView(factor)),
    jitter,
    ...(cross && {
      // S_test = Z₀ Zᵀ (K + μI)⁻¹ with Z₀ Zᵀ = s² F₀ Fᵀ; μ = ridge + jitter is what the factor holds.
      effectiveParameters: await kernelEffectiveParameters(factor, ridge + jitter, scaled(cross, s * s)),
    }),
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
}
