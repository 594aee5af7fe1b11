/**
 * Faults injected at the route: the page's `POST /api/chat` goes to the real
 * server (and the real model mock), and the UI message stream it answers is
 * rewritten before the page reads it, chunk by chunk. The faults are those of
 * a broken server or proxy, so the page and its useChat are untouched.
 */
import type { Page } from '@playwright/test';
import type { UIMessageChunk } from 'ai';

/** One SSE event of the stream: a chunk, or the `[DONE]` that ends the stream. */
export type StreamEvent = UIMessageChunk | '[DONE]';

function parseStream(body: string): StreamEvent[] {
  return body
    .split('\n\n')
    .map((event) => event.replace(/^data: /, '').trim())
    .filter((data) => data !== '')
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as UIMessageChunk)));
}

function serializeStream(events: readonly StreamEvent[]): string {
  return events.map((event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`).join('');
}

/** Rewrites every answer of the chat route with `edit`. */
export async function rewriteChatStream(page: Page, edit: (events: StreamEvent[]) => StreamEvent[]): Promise<void> {
  await page.route('**/api/chat', async (route) => {
    const response = await route.fetch();
    const events = parseStream(await response.text());
    await route.fulfill({ response, body: serializeStream(edit(events)) });
  });
}

export const isType =
  (type: UIMessageChunk['type']) =>
  (event: StreamEvent): boolean =>
    typeof event !== 'string' && event.type === type;
