/**
 * The example's HTTP server (express 5): the built page, and the AG-UI
 * endpoint `POST /api/agui`. The endpoint validates the RunAgentInput the
 * page's HttpAgent posts, then streams the agent's events as server-sent
 * events encoded by `@ag-ui/encoder`, the way AG-UI's own server examples do.
 */

import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { EventEncoder } from '@ag-ui/encoder';
import express, { type Express } from 'express';
import OpenAI from 'openai';
import { runAgent } from './agent';
import { TEST_FAULT_HEADER, testFaultOf, withTestFault } from './test-faults';

export interface AppOptions {
  llm: { baseURL: string; apiKey: string; model: string };
  /** The built page (vite build), served at `/`. */
  staticDir: string;
  /** TEST ONLY: honour the `x-test-fault` header (see test-faults.ts). */
  testFaults?: boolean;
}

export function createApp(options: AppOptions): Express {
  // No retries: a failed model request is reported to the page at once, as RUN_ERROR.
  const client = new OpenAI({ baseURL: options.llm.baseURL, apiKey: options.llm.apiKey, maxRetries: 0 });
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.post('/api/agui', async (req, res) => {
    const parsed = RunAgentInputSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422).json({ error: parsed.error.message });
      return;
    }
    const encoder = new EventEncoder({ accept: req.get('accept') });
    res.status(200).set({
      'Content-Type': encoder.getContentType(),
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    // Stop (abortRun) closes the request: stop the model and the tools with it.
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const fault = testFaultOf(req.get(TEST_FAULT_HEADER), options.testFaults === true);
    const events = runAgent(parsed.data, { client, model: options.llm.model, signal: abort.signal });
    for await (const event of withTestFault(events, fault)) {
      if (abort.signal.aborted) break;
      res.write(encoder.encode(event));
    }
    res.end();
  });

  app.use(express.static(options.staticDir));
  return app;
}
