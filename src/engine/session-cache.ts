// Sessions are expensive to create (graph parsing and optimisation) and cheap to run, so each
// distinct graph is built and loaded once per process and looked up by its signature.
import { InferenceSession, Tensor } from './ort.js';
import { GraphBuilder } from './onnx-graph.js';
import type { Matrix } from './matrix.js';

type Session = Awaited<ReturnType<typeof InferenceSession.create>>;

const sessions = new Map<string, Promise<Session>>();
const stats = new Map<string, { calls: number; seconds: number }>();
let intraOpThreads: number | undefined;

/**
 * Threads per ORT session (default: ORT's choice, one per core). Several trials running side by side
 * on worker threads each take their share of the cores instead of all of them. Applies to sessions
 * created afterwards.
 */
export function setEngineThreads(threads: number | undefined): void {
  intraOpThreads = threads;
}

/** How one caller's sessions use the cores (default: setEngineThreads's count) and memory. */
export interface EngineSettings {
  threads?: number;
  /**
   * ORT's CPU memory arena (default on). An arena keeps the largest buffers a session ever used; the
   * f64 solvers turn it off, since their outputs are copied out and n × n buffers (0.8 GB at
   * n = 10⁴) would otherwise stay held per session (measured: peak RSS 2.17 → 1.82 GiB at n = 5000).
   */
  arena?: boolean;
  /**
   * Whether ORT's intra-op threads spin-wait for work between runs (default on: it saves the wake-up
   * of many small runs). The f64 solvers turn it off: their sessions run beside the feature lanes'
   * threads and the main thread's TypeScript, and a spinning pool takes a core they need. Measured on
   * 2 cores, `ddlab run rff` at n = 2000: 11.4–11.6 s wall and 20.5 s of user CPU spinning, 8.1–8.6 s
   * and 12.4–13.2 s not.
   */
  spin?: boolean;
}

/** The session for the graph that `define` builds, created on first use. */
export function cachedSession(
  key: string,
  define: () => GraphBuilder,
  engine: EngineSettings = {},
): Promise<Session> {
  const threads = engine.threads ?? intraOpThreads;
  const arena = engine.arena ?? true;
  const spin = engine.spin ?? true;
  const fullKey = `${key}${engine.threads ? ` threads=${engine.threads}` : ''}${arena ? '' : ' no-arena'}${spin ? '' : ' no-spin'}`;
  let s = sessions.get(fullKey);
  if (!s) {
    const builder = define();
    const options = {
      graphOptimizationLevel: 'all' as const,
      enableCpuMemArena: arena,
      ...(threads ? { intraOpNumThreads: threads } : {}),
      // Session configuration entries (onnxruntime_session_options_config_keys.h).
      ...(spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    };
    s = InferenceSession.create(builder.build(), options).then((session) => timed(key, session));
    sessions.set(fullKey, s);
    // A failed creation must not poison the cache.
    s.catch(() => sessions.delete(fullKey));
  }
  return s;
}

/** Wall time spent in each graph since the last reset: where the engine's time goes (benchmarks). */
export function engineStats(): Map<string, { calls: number; seconds: number }> {
  return new Map(stats);
}

export function resetEngineStats(): void {
  stats.clear();
}

function timed(key: string, session: Session): Session {
  const run = session.run.bind(session);
  const wrapped = async (...args: Parameters<Session['run']>) => {
    const t = performance.now();
    try {
      return await run(...args);
    } finally {
      const entry = stats.get(key) ?? { calls: 0, seconds: 0 };
      entry.calls++;
      entry.seconds += (performance.now() - t) / 1000;
      stats.set(key, entry);
    }
  };
  return Object.assign(session, { run: wrapped }) as Session;
}

export function matrixTensor(m: Matrix): InstanceType<typeof Tensor> {
  return new Tensor('float64', m.data, [m.rows, m.cols]);
}

export function vectorTensor(v: Float64Array): InstanceType<typeof Tensor> {
  return new Tensor('float64', v, [v.length]);
}

/**
 * Runs a session whose single output `Y` is the f64 matrix `into`. onnxruntime-node writes the
 * output into a preallocated tensor; onnxruntime-web leaves a preallocated CPU tensor unwritten
 * (a polynomial curve in the lab got an all-zero kernel), so there the output is copied in.
 */
export async function runIntoMatrix(
  session: Session,
  feeds: Record<string, InstanceType<typeof Tensor>>,
  into: Matrix,
): Promise<Matrix> {
  if (await fillsPreallocatedOutputs()) {
    await session.run(feeds, { Y: matrixTensor(into) });
    return into;
  }
  const result = await session.run(feeds);
  into.data.set(result.Y.data as Float64Array);
  result.Y.dispose?.();
  return into;
}

let fills: Promise<boolean> | undefined;

/** Whether this ORT backend writes outputs into preallocated tensors: asked once, with a 1 × 1 Gemm. */
function fillsPreallocatedOutputs(): Promise<boolean> {
  fills ??= (async () => {
    const session = await cachedSession('probe:preallocated-output', () => {
      const g = new GraphBuilder('probe-preallocated-output');
      const inputs = [g.input('A', 'float64', [1, 1]), g.input('B', 'float64', [1, 1])];
      g.output(g.node('Gemm', inputs), 'Y', 'float64', [1, 1]);
      return g;
    });
    const scalar = (x: number) => matrixTensor({ rows: 1, cols: 1, data: new Float64Array([x]) });
    const out = new Float64Array([Number.NaN]);
    await session.run({ A: scalar(2), B: scalar(3) }, { Y: matrixTensor({ rows: 1, cols: 1, data: out }) });
    return out[0] === 6;
  })();
  return fills;
}

/** Runs a session whose single output `Y` is an f64 matrix. */
export async function runToMatrix(
  session: Session,
  feeds: Record<string, InstanceType<typeof Tensor>>,
): Promise<Matrix> {
  const result = await session.run(feeds);
  const y = result.Y;
  const [rows, cols] = y.dims as readonly number[];
  const data = y.data as Float64Array;
  y.dispose?.();
  return { rows, cols, data };
}
