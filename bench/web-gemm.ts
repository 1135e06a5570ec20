// The f64 and f32 MatMul of onnxruntime-web's WASM backend in Chromium (one thread, as on a plain
// static host), beside onnxruntime-node in one thread, run back to back: where the lab's time goes
// (the issue asks to measure this before writing a WASM-SIMD kernel of our own).
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { GraphBuilder } from '../src/engine/onnx-graph.js';
import { staticHost } from '../test/static-host.js';

const SIZES = [256, 512, 1024];
const REPS = 5;

/** Y = A·B for n × n matrices of `type`. */
function matmulModel(type: 'float64' | 'float32'): Uint8Array {
  const g = new GraphBuilder('matmul');
  const a = g.input('A', type, ['n', 'k']);
  const b = g.input('B', type, ['k', 'm']);
  g.output(g.node('MatMul', [a, b]), 'Y', type, ['n', 'm']);
  return g.build();
}

interface Timing {
  type: string;
  n: number;
  gflops: number;
}

/** Median GFLOP/s of onnxruntime-node in one thread. */
async function nodeGemm(): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const type of ['float64', 'float32'] as const) {
    const session = await InferenceSession.create(matmulModel(type), { intraOpNumThreads: 1 });
    for (const n of SIZES) {
      const data = type === 'float64' ? new Float64Array(n * n).fill(0.5) : new Float32Array(n * n).fill(0.5);
      const feeds = { A: new Tensor(type, data, [n, n]), B: new Tensor(type, data, [n, n]) };
      await session.run(feeds);
      const times: number[] = [];
      for (let r = 0; r < REPS; r++) {
        const t = performance.now();
        await session.run(feeds);
        times.push((performance.now() - t) / 1000);
      }
      out.push({ type, n, gflops: (2 * n ** 3) / times.sort((x, y) => x - y)[REPS >> 1] / 1e9 });
    }
  }
  return out;
}

/** The same in Chromium: ORT-web's bundle and .wasm served from a folder of their own. */
async function chromiumGemm(browser: Browser): Promise<Timing[]> {
  // (package.json is not in the package's exports; its .wasm is, next to the bundles.)
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const dir = mkdtempSync(join(tmpdir(), 'ddlab-web-gemm-'));
  for (const f of ['ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm'])
    copyFileSync(join(dist, f), join(dir, f));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>gemm</title>');
  const host = await staticHost(dir);
  const page = await browser.newPage();
  try {
    await page.goto(host.url);
    const models = { float64: [...matmulModel('float64')], float32: [...matmulModel('float32')] };
    return await page.evaluate(
      async ({ models, sizes, reps }) => {
        const ort = await import(new URL('./ort.wasm.bundle.min.mjs', location.href).href);
        ort.env.wasm.numThreads = 1;
        ort.env.wasm.wasmPaths = { wasm: new URL('./ort-wasm-simd-threaded.wasm', location.href).href };
        const out: { type: string; n: number; gflops: number }[] = [];
        for (const type of ['float64', 'float32'] as const) {
          const session = await ort.InferenceSession.create(Uint8Array.from(models[type]));
          for (const n of sizes) {
            const data =
              type === 'float64' ? new Float64Array(n * n).fill(0.5) : new Float32Array(n * n).fill(0.5);
            const feeds = { A: new ort.Tensor(type, data, [n, n]), B: new ort.Tensor(type, data, [n, n]) };
            await session.run(feeds);
            const times: number[] = [];
            for (let r = 0; r < reps; r++) {
              const t = performance.now();
              await session.run(feeds);
              times.push((performance.now() - t) / 1000);
            }
            out.push({ type, n, gflops: (2 * n ** 3) / times.sort((x, y) => x - y)[reps >> 1] / 1e9 });
          }
        }
        return out;
      },
      { models, sizes: SIZES, reps: REPS },
    );
  } finally {
    await page.close();
    await host.close();
  }
}

export async function benchWebGemm(browser: Browser): Promise<void> {
  const web = await chromiumGemm(browser);
  const native = await nodeGemm();
  console.log(`MatMul n × n, one thread, median of ${REPS} (GFLOP/s)`);
  console.log('  type     n     ORT-web in Chromium   onnxruntime-node');
  web.forEach((w, i) =>
    console.log(
      `  ${w.type.padEnd(7)}  ${String(w.n).padStart(4)}  ${w.gflops.toFixed(2).padStart(19)}   ${native[i].gflops.toFixed(2).padStart(16)}`,
    ),
  );
}
