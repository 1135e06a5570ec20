// FeatureLanes on worker threads (src/models/feature-lanes.ts): one ONNX Runtime session of one
// thread per lane (feature-worker.ts), started on first use and kept for the trial. A whole block
// (FeatureLanes.block) costs this thread no copies: each lane keeps its rows of every input after
// the first block of it, reads shared weights in place, and the lanes assemble the block's buffer
// among themselves (the first computes into it, the others copy their rows in), so this thread only
// sends one message per lane and gets the buffer back.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { FeatureLanes, RawFeatureTask } from '../models/feature-lanes.js';
import type { Matrix } from '../engine/matrix.js';
import type { FromLane, LaneWeights, ToLane } from './feature-lane-messages.js';

export interface ClosableFeatureLanes extends FeatureLanes {
  block: NonNullable<FeatureLanes['block']>;
  /** Stops the threads once their work is done (a no-op when none were started). */
  close(): Promise<void>;
}

/** Values of an input compared on every block: a changed input is sent again, not served stale. */
const FINGERPRINT_VALUES = 64;

interface Threads {
  workers: Worker[];
  pending: Map<number, { resolve: (m: FromLane) => void; reject: (e: Error) => void }>;
  /** Set when a thread died: every later call fails with it. */
  failure?: Error;
}

/** An input known to the lanes: its id there, a sample of its values, and which rows each lane holds. */
interface Resident {
  id: number;
  fingerprint: Float64Array;
  rows: (string | undefined)[];
}

export function featureLanesOnThreads(lanes: number): ClosableFeatureLanes {
  if (!(Number.isInteger(lanes) && lanes >= 1))
    throw new Error(`lanes must be a positive integer, got ${lanes}`);
  let threads: Threads | undefined;
  let seq = 0;
  let ids = 0;
  let nextRaw = 0;
  // Inputs and shared weights, by identity; the lanes drop their copies when these are collected.
  let residents = new WeakMap<Float64Array, Resident>();
  let sharedWeights = new WeakMap<SharedArrayBuffer, number>();
  const drop = (m: Extract<ToLane, { type: 'drop' }>) => threads?.workers.forEach((w) => w.postMessage(m));
  const inputGone = new FinalizationRegistry<number>((id) => drop({ type: 'drop', input: id }));
  const weightsGone = new FinalizationRegistry<number>((id) => drop({ type: 'drop', weights: id }));

  function start(): Threads {
    const url = new URL('./feature-worker.js', import.meta.url);
    const links = Array.from({ length: lanes - 1 }, () => new MessageChannel());
    const t: Threads = { workers: [], pending: new Map() };
    t.workers = links.concat([undefined as never]).map((_, i) => {
      const previous = i > 0 ? links[i - 1].port2 : undefined;
      const next = i < lanes - 1 ? links[i].port1 : undefined;
      const ports = [previous, next].filter((p) => p !== undefined);
      const worker = new Worker(url, { workerData: { previous, next }, transferList: ports });
      worker.on('message', (m: FromLane) => {
        const p = t.pending.get(m.seq);
        t.pending.delete(m.seq);
        if (t.pending.size === 0) t.workers.forEach((w) => w.unref());
        if ('error' in m) p?.reject(new Error(m.error));
        else p?.resolve(m);
      });
      const fail = (e: Error) => {
        t.failure ??= e;
        for (const p of t.pending.values()) p.reject(e);
        t.pending.clear();
      };
      worker.on('error', (e) => fail(new Error(`a feature lane failed: ${e.message}`)));
      worker.on('exit', () => fail(new Error('a feature lane has stopped')));
      worker.unref();
      return worker;
    });
    return t;
  }

  /** A promise for the answer to message `id`; keeps the threads (and so the process) alive till then. */
  function answer(t: Threads, id: number): Promise<FromLane> {
    if (t.failure) return Promise.reject(t.failure);
    if (t.pending.size === 0) t.workers.forEach((w) => w.ref());
    return new Promise((resolve, reject) => t.pending.set(id, { resolve, reject }));
  }

  /** Sends lane `lane` its rows [r0, r1) of x, unless it has them. */
  function place(t: Threads, lane: number, x: Matrix, r0: number, r1: number): number {
    let r = residents.get(x.data);
    const fingerprint = sample(x.data);
    if (r && !sameValues(r.fingerprint, fingerprint)) {
      drop({ type: 'drop', input: r.id });
      r = undefined;
    }
    if (!r) {
      r = { id: ++ids, fingerprint, rows: [] };
      residents.set(x.data, r);
      inputGone.register(x.data, r.id);
    }
    const range = `${r0}:${r1}`;
    if (r.rows[lane] !== range) {
      const data = x.data.slice(r0 * x.cols, r1 * x.cols);
      const m: ToLane = { type: 'input', id: r.id, data, rows: r1 - r0, cols: x.cols };
      t.workers[lane].postMessage(m, [data.buffer]);
      r.rows[lane] = range;
    }
    return r.id;
  }

  /** The weights as lanes take them: shared memory they hold, else a copy for one lane. */
  function laneWeights(t: Threads, w: Matrix): () => { w: LaneWeights; transfer: ArrayBuffer[] } {
    const buffer = w.data.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) {
      return () => {
        const data = w.data.slice();
        return { w: { data, rows: w.rows, cols: w.cols }, transfer: [data.buffer] };
      };
    }
    let id = sharedWeights.get(buffer);
    if (id === undefined) {
      id = ++ids;
      sharedWeights.set(buffer, id);
      weightsGone.register(buffer, id);
      const m: ToLane = { type: 'weights', id, data: new Float64Array(buffer) };
      t.workers.forEach((worker) => worker.postMessage(m));
    }
    const shared = { shared: id, offset: w.data.byteOffset / 8, rows: w.rows, cols: w.cols };
    return () => ({ w: shared, transfer: [] });
  }

  return {
    lanes,
    async run(task: RawFeatureTask): Promise<Matrix> {
      const t = (threads ??= start());
      const id = ++seq;
      const reply = answer(t, id);
      // The task's buffers move to the thread (FeatureLanes.run: the caller passes copies).
      const arrays = [task.x.data, task.w.data, ...(task.b ? [task.b] : [])];
      const m: ToLane = { type: 'raw', seq: id, task };
      t.workers[nextRaw++ % lanes].postMessage(
        m,
        arrays.map((a) => a.buffer as ArrayBuffer),
      );
      const data = ((await reply) as { data: Float64Array }).data;
      return { rows: task.x.rows, cols: task.w.rows, data };
    },
    async block(task: RawFeatureTask, cuts: readonly number[]): Promise<Matrix> {
      const { kind, x, w, b } = task;
      const chunks = cuts.length - 1;
      if (!(chunks >= 1 && chunks <= lanes && cuts[0] === 0 && cuts[chunks] === x.rows))
        throw new Error(`block: cuts must run from 0 to ${x.rows} in at most ${lanes} chunks, got ${cuts}`);
      if (cuts.some((c, i) => i > 0 && !(Number.isInteger(c) && c > cuts[i - 1])))
        throw new Error(`block: cuts must be increasing integers, got ${cuts}`);
      if (w.cols !== x.cols) throw new Error(`block: x has ${x.cols} columns, w ${w.cols}`);
      const t = (threads ??= start());
      const id = ++seq;
      const reply = answer(t, id);
      // Not touched here: its pages are first written by the lanes.
      const out = new ArrayBuffer(8 * x.rows * w.rows);
      const weightsFor = laneWeights(t, w);
      for (let lane = 0; lane < chunks; lane++) {
        const input = place(t, lane, x, cuts[lane], cuts[lane + 1]);
        const { w: lw, transfer } = weightsFor();
        const m: ToLane = {
          type: 'block',
          seq: id,
          kind,
          input,
          w: lw,
          b: b?.slice(),
          rows: cuts[lane + 1] - cuts[lane],
          offset: cuts[lane],
          last: lane === chunks - 1,
          ...(lane === 0 && { out }),
        };
        t.workers[lane].postMessage(m, lane === 0 ? [...transfer, out] : transfer);
      }
      const data = new Float64Array(((await reply) as { out: ArrayBuffer }).out);
      return { rows: x.rows, cols: w.rows, data };
    },
    async close() {
      const t = threads;
      threads = undefined;
      residents = new WeakMap();
      sharedWeights = new WeakMap();
      if (!t) return;
      // Each lane finishes what it was sent, then ends (a thread is never stopped inside ORT).
      await Promise.all(
        t.workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.ref(); // until it has ended
              w.once('exit', () => resolve());
              w.postMessage({ type: 'close' } satisfies ToLane);
            }),
        ),
      );
    },
  };
}

/** FINGERPRINT_VALUES values of a spread through it. */
function sample(a: Float64Array): Float64Array {
  const k = Math.min(FINGERPRINT_VALUES, a.length);
  return Float64Array.from({ length: k }, (_, i) => a[Math.floor((i * a.length) / k)]);
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
