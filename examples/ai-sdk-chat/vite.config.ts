/** Builds the page into dist/, which server/main.ts serves. */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  // `npm run dev`: the page from Vite, the API from `npm run serve` on its default port.
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:3300' } },
});
