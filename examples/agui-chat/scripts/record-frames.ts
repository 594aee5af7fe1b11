/**
 * Records what this example's endpoint streams for a few messages, as the
 * harness's in-page capture would have captured it (one CapturedFrame per SSE
 * event, with its arrival time), into recordings/*.frames.json. The AG-UI
 * adapter's unit tests replay them. Needs a running mock and server with
 * AGUI_TEST_FAULTS=1:
 *
 *   npx tsx scripts/record-frames.ts http://127.0.0.1:3200
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestFault } from '../server/test-faults';

const RECORDINGS: readonly { name: string; message: string; fault?: TestFault }[] = [
  { name: 'plain', message: 'hello' },
  { name: 'tool-call', message: 'what is 6 * 7?' },
  { name: 'thinking', message: 'think first' },
  { name: 'run-error', message: 'break the model' },
  { name: 'no-terminal', message: 'what is 6 * 7?', fault: 'no-terminal' },
  { name: 'tool-never-ends', message: 'what is 6 * 7?', fault: 'tool-never-ends' },
  { name: 'replay-message', message: 'hello', fault: 'replay-message' },
  { name: 'finish-after-error', message: 'break the model', fault: 'finish-after-error' },
];

interface Frame {
  transport: 'sse';
  channel: number;
  url: string;
  at: number;
  epochMs: number;
  data: string;
}

async function record(base: string, message: string, fault?: TestFault): Promise<Frame[]> {
  const url = `${base}/api/agui`;
  const input = {
    threadId: `thread-${randomUUID()}`,
    runId: `run-${randomUUID()}`,
    state: {},
    messages: [{ id: randomUUID(), role: 'user', content: message }],
    tools: [],
    context: [],
    forwardedProps: {},
  };
  const headers = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(fault ? { 'x-test-fault': fault } : {}),
  };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(input) });
  if (!response.body) throw new Error(`no body from ${url}`);
  const frames: Frame[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      if (data) frames.push({ transport: 'sse', channel: 1, url, at: performance.now(), epochMs: Date.now(), data });
    }
  }
  return frames;
}

const base = process.argv[2] ?? 'http://127.0.0.1:3200';
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'recordings');
for (const { name, message, fault } of RECORDINGS) {
  const frames = await record(base, message, fault);
  await writeFile(path.join(dir, `${name}.frames.json`), `${JSON.stringify(frames, null, 1)}\n`);
  console.log(`${name}: ${frames.length} frames`);
}
