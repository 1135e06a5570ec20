// The web lab's build: web/ → web/dist, which `ddlab serve` serves. `npx vite web` serves it for
// development, with the API of a `ddlab serve` on the default port behind it.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8350' } },
});
