// The browser's src/engine/ort.ts (the lab's Vite config swaps it in): onnxruntime-web's WASM build,
// with the .wasm file emitted as an asset of the site (served from it, no CDN). Same
// InferenceSession/Tensor API as onnxruntime-node, so the science layer runs unchanged.
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';

ort.env.wasm.wasmPaths = {
  wasm: new URL(wasmUrl, import.meta.url).href,
  mjs: new URL(mjsUrl, import.meta.url).href,
};
// Threads need SharedArrayBuffer, which a page has only when cross-origin isolated (COOP/COEP
// headers: `ddlab serve` and `vite web/lab` send them; a plain static host may not).
ort.env.wasm.numThreads = globalThis.crossOriginIsolated
  ? Math.min(4, navigator.hardwareConcurrency || 1)
  : 1;

export const Tensor = ort.Tensor;

/** The threads ORT's WASM backend runs with here (the page shows it). */
export const ortThreads = (): number => ort.env.wasm.numThreads ?? 1;

/** A macrotask boundary: lets the worker's message queue (a cancel) run between two graph runs. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

export const InferenceSession = {
  async create(
    model: Uint8Array,
    options?: ort.InferenceSession.SessionOptions,
  ): Promise<ort.InferenceSession> {
    const session = await ort.InferenceSession.create(model, options);
    // In one thread a run computes synchronously; without a yield a long curve would never see a
    // cancel message until it had finished.
    const run = session.run.bind(session) as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
    session.run = (async (...args: unknown[]) => {
      await nextTask();
      return run(...args);
    }) as typeof session.run;
    return session;
  },
};
