// Sessions are expensive to create (graph parsing and optimisation) and cheap to run, so each
// distinct graph is built and loaded once per process and looked up by its signature.
import { InferenceSession, Tensor } from './ort.js';
import type { GraphBuilder } from './onnx-graph.js';
import type { Matrix } from './matrix.js';

type Session = Awaited<ReturnType<typeof InferenceSession.create>>;

const sessions = new Map<string, Promise<Session>>();

/** The session for the graph that `define` builds, created on first use. */
export function cachedSession(key: string, define: () => GraphBuilder): Promise<Session> {
  let s = sessions.get(key);
  if (!s) {
    const builder = define();
    s = InferenceSession.create(builder.build(), { graphOptimizationLevel: 'all' });
    sessions.set(key, s);
    // A failed creation must not poison the cache.
    s.catch(() => sessions.delete(key));
  }
  return s;
}

export function sessionCount(): number {
  return sessions.size;
}

export function matrixTensor(m: Matrix): InstanceType<typeof Tensor> {
  return new Tensor('float64', m.data, [m.rows, m.cols]);
}

export function vectorTensor(v: Float64Array): InstanceType<typeof Tensor> {
  return new Tensor('float64', v, [v.length]);
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
