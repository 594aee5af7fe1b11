/**
 * Starts the example on 127.0.0.1: `PORT` (3200), the model at `LLM_BASE_URL`
 * (the mock, by default on 4010), the page from `dist/` (`npm run build`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT ?? 3200);
const host = process.env.HOST ?? '127.0.0.1';

const app = createApp({
  llm: {
    baseURL: process.env.LLM_BASE_URL ?? 'http://127.0.0.1:4010/v1',
    apiKey: process.env.LLM_API_KEY ?? 'mock-key',
    model: process.env.LLM_MODEL ?? 'mock-model',
  },
  staticDir: process.env.STATIC_DIR ?? path.join(here, '..', 'dist'),
  testFaults: process.env.AGUI_TEST_FAULTS === '1',
});

const server = app.listen(port, host, () => {
  console.log(`agui-chat listening on http://${host}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
  });
}
