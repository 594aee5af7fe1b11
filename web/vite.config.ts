/**
 * Vite build of the chat page. The server serves `web/dist`; the dev server
 * proxies `/ws` and `/api` to a running backend.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': backend,
      '/healthz': backend,
      // rewriteWsOrigin: the server's Origin allowlist knows the backend's origin, not Vite's.
      '/ws': { target: backend, ws: true, rewriteWsOrigin: true },
    },
  },
});
