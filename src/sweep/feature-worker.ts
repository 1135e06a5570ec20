// One lane of featureLanesOnThreads (feature-lanes.ts), on a worker thread: its rows of each block on
// one ONNX Runtime thread (the lanes are the parallelism). It keeps its rows of every input it is
// sent, copies each block's weight rows out of shared memory (ORT takes no shared input) into a
// buffer it reuses, and passes the block's buffer on: the first lane computes into it, the others
// copy their rows in, so the main thread gets the block without copying anything.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { rawFeatures } from '../models/random-features.js';
import type { Matrix } from '../engine/matrix.js';
import type { FromLane, LaneStart, LaneWeights, ToLane } from './feature-lane-messages.js';

const { previous, next } = workerData as LaneStart;
const main = parentPort as MessagePort;
const inputs = new Map<number, Matrix>();
const weights = new Map<number, Float64Array>();
// Buffers reused from block to block: no allocation, no page faults after the first.
let weightRows: Float64Array = new Float64Array(0);
let aside: Float64Array = new Float64Array(0);

/** A view of `length` values of a reused buffer, grown when too small. */
function reuse(buffer: Float64Array, length: number): [Float64Array, Float64Array] {
  const b = buffer.length >= length ? buffer : new Float64Array(length);
  return [b, b.subarray(0, length)];
}

// Blocks from the lane before, by their seq, until this lane is ready for them.
const arrived = new Map<number, FromLane>();
let waiting: { seq: number; resolve: (m: FromLane) => void } | undefined;
previous?.on('message', (m: FromLane) => {
  if (waiting?.seq === m.seq) {
    waiting.resolve(m);
    waiting = undefined;
  } else arrived.set(m.seq, m);
});
function fromPrevious(seq: number): Promise<FromLane> {
  const m = arrived.get(seq);
  if (m) {
    arrived.delete(seq);
    return Promise.resolve(m);
  }
  return new Promise((resolve) => (waiting = { seq, resolve }));
}

function weightMatrix(w: LaneWeights): Matrix {
  if ('data' in w) return w;
  const all = weights.get(w.shared);
  if (!all) throw new Error(`lane: no shared weights ${w.shared}`);
  let data: Float64Array;
  [weightRows, data] = reuse(weightRows, w.rows * w.cols);
  data.set(all.subarray(w.offset, w.offset + w.rows * w.cols));
  return { rows: w.rows, cols: w.cols, data };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function block(m: Extract<ToLane, { type: 'block' }>): Promise<void> {
  const features = m.w.rows;
  let error: string | undefined;
  let target: Float64Array | undefined;
  try {
    const x = inputs.get(m.input);
    if (!x || x.rows !== m.rows) throw new Error(`lane: no input ${m.input} of ${m.rows} rows`);
    const w = weightMatrix(m.w);
    const length = m.rows * features;
    if (m.out) target = new Float64Array(m.out, 8 * m.offset * features, length);
    else [aside, target] = reuse(aside, length);
    // With a memory arena: the Gemm intermediate (rows × features, as large as the output) is
    // allocated once per lane instead of fresh, with its page faults, for every block.
    await rawFeatures({ kind: m.kind, x, w, b: m.b }, { threads: 1, arena: true }, target);
  } catch (e) {
    error = message(e);
  }
  let out = m.out;
  if (!out) {
    const before = await fromPrevious(m.seq);
    if ('error' in before) error ??= before.error;
    else if ('out' in before) out = before.out;
    if (!error && out && target) new Float64Array(out, 8 * m.offset * features, target.length).set(target);
  }
  const to = m.last ? main : (next as MessagePort);
  if (error || !out)
    to.postMessage({ seq: m.seq, error: error ?? 'lane: no block buffer' } satisfies FromLane);
  else to.postMessage({ seq: m.seq, out } satisfies FromLane, [out]);
}

async function handle(m: ToLane): Promise<void> {
  switch (m.type) {
    case 'input':
      inputs.set(m.id, { rows: m.rows, cols: m.cols, data: m.data });
      return;
    case 'weights':
      weights.set(m.id, m.data);
      return;
    case 'drop':
      if (m.input !== undefined) inputs.delete(m.input);
      if (m.weights !== undefined) weights.delete(m.weights);
      return;
    case 'block':
      return block(m);
    case 'raw':
      try {
        const y = await rawFeatures(m.task, { threads: 1 });
        main.postMessage({ seq: m.seq, data: y.data } satisfies FromLane, [y.data.buffer as ArrayBuffer]);
      } catch (e) {
        main.postMessage({ seq: m.seq, error: message(e) } satisfies FromLane);
      }
      return;
    case 'close':
      main.close();
      previous?.close();
      next?.close();
  }
}

// One message at a time, in order: a block waits for the lane's inputs and for the block before it.
const queue: ToLane[] = [];
let busy = false;
main.on('message', (m: ToLane) => {
  queue.push(m);
  if (!busy) void pump();
});
async function pump(): Promise<void> {
  busy = true;
  while (queue.length > 0) await handle(queue.shift() as ToLane);
  busy = false;
}
