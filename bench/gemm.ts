// ORT f64 GEMM against numpy at n = 2048 (target: ≥ 0.7× numpy's GFLOP/s).
import { gemm } from '../src/engine/gemm.js';
import { Rng } from '../src/engine/random.js';
import { runPython } from './reference.js';
import { GraphBuilder } from '../src/engine/onnx-graph.js';
import { Tensor } from '../src/engine/ort.js';
import { cachedSession } from '../src/engine/session-cache.js';

export async function benchGemm(n = 2048, reps = 7): Promise<void> {
  const rng = new Rng(0);
  const a = { rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) };
  const b = { rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) };
  await gemm(a, b); // warm up: session creation is a one-off cost
  const seconds: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await gemm(a, b);
    seconds.push((performance.now() - t) / 1000);
  }
  const ours = (2 * n ** 3) / seconds.sort((x, y) => x - y)[reps >> 1] / 1e9;
  const numpy = runPython<{ gflops: number }>('gemm_numpy.py', [String(n), String(reps)], {
    benchmark: true,
  }).gflops;
  console.log(`GEMM f64 n=${n} (median of ${reps})`);
  console.log(`  ddlab (onnxruntime)  ${ours.toFixed(1)} GFLOP/s`);
  console.log(`  numpy (OpenBLAS)     ${numpy.toFixed(1)} GFLOP/s`);
  console.log(`  ratio ddlab/numpy    ${(ours / numpy).toFixed(2)}  (target ≥ 0.70)`);
}

/** FLOP/s of one f32 MatMul of size n on ORT (median of reps): the machine's f32 GEMM limit. */
export async function f32GemmRate(n = 2048, reps = 5): Promise<number> {
  const session = await cachedSession('bench:f32-matmul', () => {
    const g = new GraphBuilder('f32-matmul');
    const y = g.node('MatMul', [g.input('A', 'float32', ['m', 'k']), g.input('B', 'float32', ['k', 'n'])]);
    g.output(y, 'Y', 'float32', ['m', 'n']);
    return g;
  });
  const rng = new Rng(1);
  const tensor = () =>
    new Tensor('float32', Float32Array.from(rng.fillNormal(new Float64Array(n * n))), [n, n]);
  const feeds = { A: tensor(), B: tensor() };
  await session.run(feeds); // warm up
  const seconds: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await session.run(feeds);
    seconds.push((performance.now() - t) / 1000);
  }
  return (2 * n ** 3) / seconds.sort((x, y) => x - y)[reps >> 1];
}
