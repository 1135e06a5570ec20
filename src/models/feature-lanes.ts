// Raw random features computed on several threads at once. ONNX Runtime's f64 Cos runs on one
// thread, and onnxruntime-node runs a session synchronously, so the only way to use every core for
// cos(X·Vᵀ + b) is to split the rows of X across threads with a session each (in Node: worker
// threads, src/sweep/feature-lanes.ts). Rows are independent and ORT's Gemm gives every element the
// same bits whatever the row split or thread count (test/feature-lanes.test.ts), so the split is
// invisible in the results.
import type { Matrix } from '../engine/matrix.js';
import type { FeatureKind } from './feature-map.js';

/** One chunk of rows: the raw features f(x·wᵀ + b) of the rows of x for the weight rows of w. */
export interface RawFeatureTask {
  kind: FeatureKind;
  x: Matrix;
  /** Weights, features × inputDim. */
  w: Matrix;
  /** Offsets, one per feature (rff only). */
  b?: Float64Array;
}

/** Runs raw-feature tasks side by side, `lanes` at a time. */
export interface FeatureLanes {
  readonly lanes: number;
  /** The task's arrays may be handed to another thread (detached): pass copies not used again. */
  run(task: RawFeatureTask): Promise<Matrix>;
  /**
   * Optional, and cheaper where present: the features of every row of task.x as one block, rows
   * [cuts[i], cuts[i + 1]) on lane i. Nothing is detached or copied per block on this thread: each
   * lane keeps its rows of an input x after the first block of it (x is recognised by its data
   * array, so x must not change between blocks), weights in a SharedArrayBuffer are read where
   * they lie, and the lanes assemble the block among themselves.
   */
  block?(task: RawFeatureTask, cuts: readonly number[]): Promise<Matrix>;
}
