/**
 * Shared by the llm agent's integration tests: a test server whose default
 * agent is the llm agent pointed at a mock provider, one run read back as
 * what a user saw (thoughts, text, tool calls, the outcome), and the requests
 * the mock received, validated.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { checkRunLifecycle, type EventOf, isKeepAlive, type RunEvent, type Violation } from '../../../protocol';
import type { RunningServer } from '../../app';
import type { LlmServerOptions } from '../../config';
import type { LlmMock } from '../../testing/llm-mock';
import { startTestServer } from '../../testing/test-server';
import { WsTestClient } from '../../testing/ws-test-client';

export const MOCK_FIXTURES = fileURLToPath(new URL('./mock-fixtures.json', import.meta.url));
export const MOCK_MODEL = 'mock-model';
export const MOCK_API_KEY = 'sk-mock-key-0000';

/** A test server (scenarios on, so `sleep` is a tool) whose default agent is the llm agent on `mock`. */
export function startLlmServer(mock: LlmMock, llm: Partial<LlmServerOptions> = {}): Promise<RunningServer> {
  return startTestServer({
    llm: { baseUrl: mock.url, apiKey: MOCK_API_KEY, model: MOCK_MODEL, retryBaseMs: 10, ...llm },
  });
}

interface ToolCallSeen {
  toolCallId: string;
  toolName: string;
  args: unknown;
  status?: 'success' | 'error';
  result?: unknown;
  error?: string;
}

export interface RunSeen {
  runId: string;
  events: RunEvent[];
  violations: Violation[];
  agentName: string;
  status: string;
  error?: string;
  /** The answer as streamed: every delta joined. */
  text: string;
  deltas: number;
  /** Real thoughts, in order (keep-alives left out). */
  thoughts: string[];
  calls: ToolCallSeen[];
  /** Tool call ids in the order they completed. */
  completed: string[];
}

/** Connects a new user, sends `text` and waits for its run to complete. */
export async function runMessage(server: RunningServer, text: string): Promise<RunSeen> {
  const client = await WsTestClient.connectAs(server.url);
  try {
    const { runId, events } = await client.runToCompletion(text);
    return readRun(runId, events);
  } finally {
    client.close();
  }
}

export function readRun(runId: string, events: RunEvent[]): RunSeen {
  const of = <T extends RunEvent['type']>(type: T) =>
    events.filter((event): event is EventOf<T> => event.type === type && !isKeepAlive(event));
  const [started] = of('agent_started');
  const [done] = of('agent_completed');
  const calls = of('tool_executing').map(({ payload }): ToolCallSeen => {
    const completion = of('tool_completed').find((event) => event.payload.toolCallId === payload.toolCallId);
    const { status, result, error } = completion?.payload ?? {};
    return {
      ...payload,
      ...(status ? { status } : {}),
      ...(result !== undefined ? { result } : {}),
      ...(error ? { error } : {}),
    };
  });
  const deltas = of('partial_result').map((event) => event.payload.delta);
  return {
    runId,
    events,
    violations: checkRunLifecycle(events),
    agentName: started?.payload.agentName ?? '',
    status: done?.payload.status ?? 'never completed',
    ...(done?.payload.error ? { error: done.payload.error } : {}),
    text: deltas.join(''),
    deltas: deltas.length,
    thoughts: of('agent_thinking').map((event) => event.payload.thought),
    calls,
    completed: of('tool_completed').map((event) => event.payload.toolCallId),
  };
}

const messageSchema = z.object({
  role: z.string(),
  content: z.string().nullish(),
  tool_call_id: z.string().optional(),
  tool_calls: z
    .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
    .optional(),
});

const chatRequestSchema = z.object({
  model: z.string(),
  stream: z.boolean().optional(),
  messages: z.array(messageSchema),
  tools: z.array(z.object({ type: z.string(), function: z.object({ name: z.string() }) })).optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema> & { status: number };

/** The chat requests the mock received for one trigger (the run's user message), oldest first. */
export async function requestsFor(mock: LlmMock, trigger: string): Promise<ChatRequest[]> {
  const requests = await mock.requests();
  return requests
    .filter((request) => request.path.endsWith('/chat/completions'))
    .map((request) => ({ ...chatRequestSchema.parse(request.body), status: request.status }))
    .filter((request) => request.messages.some((message) => message.role === 'user' && message.content === trigger));
}
