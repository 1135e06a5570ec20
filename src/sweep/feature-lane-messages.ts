// The messages of featureLanesOnThreads (feature-lanes.ts) and its lanes (feature-worker.ts). Each
// lane handles its messages from the main thread one at a time, in order; a block's buffer travels
// along the lanes on ports of their own (lane i to lane i + 1), the last one hands it back.
import type { FeatureKind } from '../models/feature-map.js';
import type { RawFeatureTask } from '../models/feature-lanes.js';

/** The weight rows of a block: a range of a shared array the lane holds, or a copy of their own. */
export type LaneWeights =
  | { shared: number; offset: number; rows: number; cols: number }
  | { data: Float64Array; rows: number; cols: number };

export type ToLane =
  /** The lane's rows of an input, kept until dropped (replacing any earlier rows of it). */
  | { type: 'input'; id: number; data: Float64Array; rows: number; cols: number }
  /** A weight array in shared memory, kept until dropped. */
  | { type: 'weights'; id: number; data: Float64Array }
  | { type: 'drop'; input?: number; weights?: number }
  /**
   * The lane's rows of block `seq`: `rows` rows of input `input`, which start at row `offset` of
   * the block. The first lane gets the block's buffer (`out`) and computes straight into it; the
   * others compute aside, wait for the buffer from the lane before, and copy their rows in.
   */
  | {
      type: 'block';
      seq: number;
      kind: FeatureKind;
      input: number;
      w: LaneWeights;
      b?: Float64Array;
      rows: number;
      offset: number;
      out?: ArrayBuffer;
      last: boolean;
    }
  /** FeatureLanes.run: one task of its own, answered with its features. */
  | { type: 'raw'; seq: number; task: RawFeatureTask }
  /** Finish the messages before this one, then end the thread. */
  | { type: 'close' };

/** From a lane to the next one (the block so far), or to the main thread (the block, or a task's features). */
export type FromLane =
  { seq: number; out: ArrayBuffer } | { seq: number; data: Float64Array } | { seq: number; error: string };

/** What each lane thread starts with. */
export interface LaneStart {
  /** The port from the lane before (absent on the first lane). */
  previous?: import('node:worker_threads').MessagePort;
  /** The port to the lane after (absent on the last lane). */
  next?: import('node:worker_threads').MessagePort;
}
