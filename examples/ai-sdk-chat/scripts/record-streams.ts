/**
 * Records what the page receives for a few messages, as the harness captures
 * it (one frame per SSE event, with arrival times), from a running app
 * (`npm run start:mock`, or APP_URL): the recorded streams the adapter's unit
 * tests read (harness/src/adapters/ai-sdk.recorded.json).
 *
 *   tsx scripts/record-streams.ts <out.json>
 */
import { writeFile } from 'node:fs/promises';

const app = process.env.APP_URL ?? 'http://127.0.0.1:3300';
const messages = {
  plain: 'hello',
  tool: 'what is 6 * 7?',
  toolError: 'look up dragons',
  reasoning: 'think first',
  providerDown: 'provider down',
} as const;

interface Frame {
  transport: 'sse';
  channel: number;
  url: string;
  at: number;
  epochMs: number;
  data: string;
}

async function record(text: string): Promise<Frame[]> {
  const url = `${app}/api/chat`;
  const body = { messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text }] }] };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) throw new Error(`POST ${url} answered ${response.status}`);
  const frames: Frame[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    const events = buffer.split('\n\n');
    buffer = events.pop() ?? '';
    for (const event of events) {
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      const at = Math.round(performance.now() * 10) / 10;
      if (data) frames.push({ transport: 'sse', channel: 1, url: '/api/chat', at, epochMs: Date.now(), data });
    }
  }
  return frames;
}

const out = process.argv[2];
if (!out) throw new Error('usage: tsx scripts/record-streams.ts <out.json>');
const recorded: Record<string, Frame[]> = {};
for (const [name, text] of Object.entries(messages)) recorded[name] = await record(text);
await writeFile(out, `${JSON.stringify(recorded, null, 2)}\n`);
console.log(`recorded ${Object.keys(recorded).join(', ')} into ${out}`);
