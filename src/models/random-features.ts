// Random Fourier features for the Gaussian kernel, φ_j(x) = sqrt(2/N)·cos(⟨v_j, x⟩ + b_j) with
// v_j ~ N(0, σ⁻² I), b_j ~ U[0, 2π) (Rahimi & Recht 2007; Belkin et al. 2018), and random ReLU
// features φ_j(x) = sqrt(1/N)·max(0, ⟨v_j, x⟩) with v_j uniform on the unit sphere.
// The feature map of a block, cos(X·Vᵀ + b) or max(0, X·Vᵀ), runs as one fused ONNX graph; given
// lanes (feature-lanes.ts), the rows are split across threads and the weights of the next block are
// drawn while they run. Lanes that take whole blocks read the weights from shared memory.
import { GraphBuilder } from '../engine/onnx-graph.js';
import { Rng, Streams } from '../engine/random.js';
import {
  cachedSession,
  matrixTensor,
  runIntoMatrix,
  runToMatrix,
  vectorTensor,
  type EngineSettings,
} from '../engine/session-cache.js';
import type { Matrix } from '../engine/matrix.js';
import type { FeatureKind, FeatureMap } from './feature-map.js';
import type { FeatureLanes, RawFeatureTask } from './feature-lanes.js';

export interface RandomFeaturesOptions {
  kind: FeatureKind;
  inputDim: number;
  maxFeatures: number;
  seed: number;
  /** Kernel bandwidth σ of the RFF weights v ~ N(0, σ⁻² I); ignored by ReLU features. */
  sigma?: number;
  /** Threads to split the rows of each block across (results do not depend on it). */
  lanes?: FeatureLanes;
}

/** Rows below which a block is not split: a thread hop costs more than the rows' work. */
const MIN_ROWS_PER_LANE = 64;

/**
 * ONNX Runtime's f64 Cos is vectorised in pairs (Eigen's Packet2d, the SSE2/NEON baseline the
 * onnxruntime-node builds are compiled for); the odd last element of a run goes through the scalar
 * cos, which differs from the paired one in the last bit about 2 times in 3 (measured). So every
 * chunk of a block starts at an even element: its pairs are the whole block's pairs, and only the
 * last chunk has an odd tail, the block's own.
 */
const COS_PACKET = 2;

/** Row cuts of `chunks` chunks of about equal size, each starting at a multiple of COS_PACKET elements. */
export function rowCuts(rows: number, cols: number, chunks: number): number[] {
  const step = COS_PACKET / gcd(cols, COS_PACKET); // rows from one aligned start to the next
  return Array.from({ length: chunks + 1 }, (_, i) =>
    i === chunks ? rows : step * Math.round((i * rows) / chunks / step),
  );
}

export function randomFeatures(options: RandomFeaturesOptions): FeatureMap {
  const { kind, inputDim, maxFeatures, seed } = options;
  const sigma = options.sigma ?? 5;
  if (!(Number.isInteger(inputDim) && inputDim > 0))
    throw new Error(`inputDim must be a positive integer, got ${inputDim}`);
  if (!(Number.isInteger(maxFeatures) && maxFeatures > 0)) {
    throw new Error(`maxFeatures must be a positive integer, got ${maxFeatures}`);
  }
  if (!(sigma > 0 && Number.isFinite(sigma)))
    throw new Error(`sigma must be a positive number, got ${sigma}`);

  // Weights are drawn lazily but strictly in feature order, from streams of their own: feature j's
  // parameters depend only on (seed, j), whatever blocks they are requested in. Lanes that take
  // whole blocks read them in shared memory, where this thread draws the next block's meanwhile
  // (rows no lane is reading: a block's rows are drawn before it is handed out and never again).
  const shared = options.lanes?.block !== undefined && typeof SharedArrayBuffer === 'function';
  const weights: Float64Array = shared
    ? new Float64Array(new SharedArrayBuffer(8 * maxFeatures * inputDim))
    : new Float64Array(maxFeatures * inputDim);
  const bias = new Float64Array(maxFeatures);
  const weightRng = new Rng(seed, Streams.features);
  const biasRng = new Rng(seed, Streams.featureBias);
  let drawn = 0;

  function drawUpTo(j1: number): void {
    for (; drawn < j1; drawn++) {
      const v = weights.subarray(drawn * inputDim, (drawn + 1) * inputDim);
      if (kind === 'rff') {
        weightRng.fillNormal(v, 0, 1 / sigma);
        bias[drawn] = 2 * Math.PI * biasRng.uniform();
      } else {
        weightRng.fillNormal(v);
        let norm = 0;
        for (let i = 0; i < inputDim; i++) norm += v[i] * v[i];
        const inv = 1 / Math.sqrt(norm);
        for (let i = 0; i < inputDim; i++) v[i] *= inv;
      }
    }
  }

  return {
    kind,
    inputDim,
    maxFeatures,
    elsewhere: options.lanes !== undefined,
    async block(x: Matrix, j0: number, j1: number): Promise<Matrix> {
      if (x.cols !== inputDim)
        throw new Error(`feature map expects ${inputDim} input columns, got ${x.cols}`);
      if (!(0 <= j0 && j0 < j1 && j1 <= maxFeatures)) {
        throw new Error(`feature block [${j0}, ${j1}) is outside [0, ${maxFeatures})`);
      }
      drawUpTo(j1);
      const w = { rows: j1 - j0, cols: inputDim, data: weights.subarray(j0 * inputDim, j1 * inputDim) };
      const b = kind === 'rff' ? bias.subarray(j0, j1) : undefined;
      const lanes = options.lanes;
      const chunks = lanes ? Math.min(lanes.lanes, Math.floor(x.rows / MIN_ROWS_PER_LANE)) : 1;
      // ONNX Runtime takes no input in shared memory: one session here gets a copy.
      if (!lanes || chunks < 2)
        return rawFeatures({ kind, x, w: shared ? { ...w, data: w.data.slice() } : w, b });
      const cuts = rowCuts(x.rows, w.rows, chunks);
      // This thread is free while the lanes run: draw the next block's weights (the same numbers).
      const drawNext = () => drawUpTo(Math.min(maxFeatures, j1 + (j1 - j0)));
      if (lanes.block) {
        const features = lanes.block({ kind, x, w, b }, cuts);
        drawNext();
        return features;
      }
      // Each chunk gets copies of its rows and of the weights, which move to its thread without a
      // second copy (a view would take its whole buffer along).
      const own = (m: Matrix, r0: number, r1: number) => ({
        rows: r1 - r0,
        cols: m.cols,
        data: m.data.slice(r0 * m.cols, r1 * m.cols),
      });
      const parts = Promise.all(
        cuts
          .slice(1)
          .map((r1, i) => lanes.run({ kind, x: own(x, cuts[i], r1), w: own(w, 0, w.rows), b: b?.slice() })),
      );
      drawNext();
      const out = new Float64Array(x.rows * w.rows);
      (await parts).forEach((part, i) => out.set(part.data, cuts[i] * w.rows));
      return { rows: x.rows, cols: w.rows, data: out };
    },
    parameters(j: number) {
      if (!(Number.isInteger(j) && j >= 0 && j < maxFeatures)) throw new Error(`no feature ${j}`);
      drawUpTo(j + 1);
      return { v: weights.slice(j * inputDim, (j + 1) * inputDim), b: kind === 'rff' ? bias[j] : 0 };
    },
    scale(features: number): number {
      return Math.sqrt((kind === 'rff' ? 2 : 1) / features);
    },
    describe(): Record<string, number | string> {
      const common = { kind, maxFeatures, seed };
      return kind === 'rff' ? { ...common, sigma } : common;
    },
  };
}

/**
 * f(x·wᵀ + b) on this thread, in one ONNX Runtime session; written into `into` (x.rows × w.rows
 * values, not in shared memory) when given.
 */
export async function rawFeatures(
  task: RawFeatureTask,
  engine: EngineSettings = {},
  into?: Float64Array,
): Promise<Matrix> {
  const { kind, x, w, b } = task;
  // No memory arena and no spinning pool by default, like the solvers' GEMMs (EngineSettings).
  const session = await cachedSession(`features:${kind}`, () => featureGraph(kind), {
    arena: false,
    spin: false,
    ...engine,
  });
  const feeds: Record<string, ReturnType<typeof matrixTensor>> = { X: matrixTensor(x), W: matrixTensor(w) };
  if (kind === 'rff') {
    if (!b) throw new Error('rff features need their offsets b');
    feeds.b = vectorTensor(b);
  }
  if (!into) return runToMatrix(session, feeds);
  const y = { rows: x.rows, cols: w.rows, data: into };
  if (into.length !== y.rows * y.cols)
    throw new Error(`raw features: the output holds ${into.length} values, expected ${y.rows}x${y.cols}`);
  return runIntoMatrix(session, feeds, y);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function featureGraph(kind: FeatureKind): GraphBuilder {
  const g = new GraphBuilder(`features-${kind}`);
  const x = g.input('X', 'float64', ['rows', 'dim']);
  const w = g.input('W', 'float64', ['features', 'dim']);
  let out: string;
  if (kind === 'rff') {
    const b = g.input('b', 'float64', ['features']);
    out = g.node('Cos', [g.node('Gemm', [x, w, b], { transB: 1 })]);
  } else {
    out = g.node('Relu', [g.node('Gemm', [x, w], { transB: 1 })]);
  }
  g.output(out, 'Y', 'float64', ['rows', 'features']);
  return g;
}
