// ddlab's blocked Cholesky (ORT GEMMs, src/engine/cholesky.ts) against scipy's cho_factor (LAPACK
// dpotrf on OpenBLAS) at the orders of the random-features curve, in GFLOP/s of n³/3, next to
// ORT's f64 GEMM rate at n = 2048 (what the factorisation's GEMMs could reach at best).
import { cholesky, choleskySolveBlocked } from '../src/engine/cholesky.js';
import { gemm } from '../src/engine/gemm.js';
import { Rng } from '../src/engine/random.js';
import { runPython } from './reference.js';
import { gemmRate } from './rff.js';

export async function benchCholesky(orders = [2000, 5000, 10000]): Promise<void> {
  const rate = await gemmRate();
  console.log(
    `Cholesky f64, A = F·Fᵀ + n·I (GFLOP/s of n³/3; ORT f64 GEMM at n = 2048: ${(rate / 1e9).toFixed(1)})`,
  );
  for (const n of orders) {
    const reps = n >= 10000 ? 1 : 3;
    const rng = new Rng(n);
    const f = { rows: n, cols: n + 200, data: rng.fillNormal(new Float64Array(n * (n + 200))) };
    const a = await gemm(f, f, { transB: true });
    for (let i = 0; i < n; i++) a.data[i * n + i] += n;
    const seconds: number[] = [];
    let factor = await cholesky(a); // warm up (sessions)
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      factor = await cholesky(a);
      seconds.push((performance.now() - t) / 1000);
    }
    const s = seconds.sort((x, y) => x - y)[reps >> 1];
    const y = { rows: n, cols: 10, data: rng.fillNormal(new Float64Array(n * 10)) };
    const t = performance.now();
    await choleskySolveBlocked(factor, y);
    const solve = (performance.now() - t) / 1000;
    const scipy = runPython<{ gflops: number }>('cholesky_numpy.py', [String(n), String(reps)], {
      benchmark: true,
    }).gflops;
    const ours = n ** 3 / 3 / s / 1e9;
    console.log(
      `  n=${String(n).padStart(5)}  ddlab ${s.toFixed(2).padStart(6)} s = ${ours.toFixed(1).padStart(5)} GFLOP/s` +
        ` (${((100 * ours * 1e9) / rate).toFixed(0)}% of GEMM)  scipy ${scipy.toFixed(1).padStart(5)} GFLOP/s` +
        `  ratio ddlab/scipy ${(ours / scipy).toFixed(2)};  solve with 10 right-hand sides ${solve.toFixed(3)} s`,
    );
  }
}
