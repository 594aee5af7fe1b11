/** Builds the page (index.html + src/) into dist/, which the server serves. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true },
  // `vite` (dev) proxies the agent to a running server.
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:3200' } },
});
