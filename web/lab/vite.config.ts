// The static lab: web/lab → web/dist/lab, pages that compute in the browser with no server (the
// science layer bundled with onnxruntime-web's WASM build). Relative asset paths (base './'), so the
// folder can be copied to any static host, under any path. `ddlab serve` serves it at /lab/.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { mnistSubsetAsset } from './mnist-subset-plugin.ts';

const ORT_NODE_MODULE = fileURLToPath(new URL('../../src/engine/ort.ts', import.meta.url));
const ORT_WEB_MODULE = fileURLToPath(new URL('./src/ort-web.ts', import.meta.url));

/** The runtime swap: every import of src/engine/ort.ts gets the onnxruntime-web module instead. */
function ortWeb(): Plugin {
  return {
    name: 'ddlab-ort-web',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith('/ort.js') && !source.endsWith('/ort.ts') && !source.endsWith('/ort')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === ORT_NODE_MODULE ? ORT_WEB_MODULE : null;
    },
  };
}

/** Cross-origin isolation (SharedArrayBuffer: onnxruntime-web's threads) for `vite web/lab`. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [ortWeb(), mnistSubsetAsset()],
  worker: { format: 'es', plugins: () => [ortWeb()] },
  build: {
    outDir: '../dist/lab',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // (The build's plugin timing report names the MNIST subset's gzip, which is expected.)
    rolldownOptions: {
      checks: { pluginTimings: false },
      input: Object.fromEntries(
        ['index', 'theory', 'polynomials', 'random-features', 'networks', 'implicit-regularization'].map(
          (page) => [page, fileURLToPath(new URL(`./${page}.html`, import.meta.url))],
        ),
      ),
    },
  },
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
});
