import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) lets the wasm backend use SharedArrayBuffer and so its
 * threaded SIMD build; the same headers are sent by `vite` (dev) and `vite preview` / serve.mjs.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
});
