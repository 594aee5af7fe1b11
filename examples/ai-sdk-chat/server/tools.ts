/**
 * The chat's tools, written the way the AI SDK docs write them: `tool()` with
 * a zod input schema and an `execute` that runs on the server. `lookup` is
 * slow on purpose, so a page has to show a tool that is still running.
 */
import { tool } from 'ai';
import { z } from 'zod';

/** How long `lookup` takes; `LOOKUP_DELAY_MS` shortens it for quick runs. */
const lookupDelayMs = Number(process.env.LOOKUP_DELAY_MS ?? 1500);

const facts: Readonly<Record<string, string>> = {
  'ai sdk': 'The AI SDK is a TypeScript toolkit for building AI applications and agents.',
  'use chat': 'useChat streams chat messages from an API route and keeps their state.',
  'ui message stream': 'A UI message stream is a server-sent event stream of typed chunks.',
};

export const tools = {
  calculator: tool({
    description: 'Apply one arithmetic operation to two numbers.',
    inputSchema: z.object({
      a: z.number(),
      op: z.enum(['+', '-', '*', '/']),
      b: z.number(),
    }),
    execute: async ({ a, op, b }) => {
      if (op === '/' && b === 0) throw new Error('cannot divide by zero');
      const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
      return { expression: `${a} ${op} ${b}`, value };
    },
  }),
  lookup: tool({
    description: 'Look a topic up in the knowledge base. Slow.',
    inputSchema: z.object({ topic: z.string() }),
    execute: async ({ topic }, { abortSignal }) => {
      await delay(lookupDelayMs, abortSignal);
      const fact = facts[topic.toLowerCase()];
      if (!fact) throw new Error(`nothing is known about "${topic}"`);
      return { topic, fact };
    },
  }),
};

/** Waits, or rejects as soon as the request is aborted (the user pressed Stop). */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
