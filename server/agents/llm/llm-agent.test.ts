/**
 * The llm agent end to end, over real sockets: a test server whose default
 * agent is the llm agent, a real mock provider process (aimock) scripted by
 * mock-fixtures.json, and a WebSocket client reading every event of each run.
 * Provider faults are in llm-agent.faults.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../app';
import { LlmMock } from '../../testing/llm-mock';
import { MOCK_FIXTURES, MOCK_MODEL, requestsFor, runMessage, startLlmServer } from './llm-test-kit';

let mock: LlmMock;
let server: RunningServer;

beforeAll(async () => {
  mock = await LlmMock.start({ fixtures: MOCK_FIXTURES });
  server = await startLlmServer(mock);
});

afterAll(async () => {
  await server?.close();
  await mock?.stop();
});

describe('llm agent', () => {
  it('streams a plain answer as it arrives', async () => {
    const run = await runMessage(server, 'llm plain');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({ agentName: 'llm', status: 'success', calls: [] });
    expect(run.text).toBe('Hello from the mock model. This answer streams in several small pieces.');
    expect(run.deltas).toBeGreaterThan(5);
    expect(run.thoughts).toEqual([`Asking ${MOCK_MODEL}`]);
    const [request] = await requestsFor(mock, 'llm plain');
    expect(request).toMatchObject({ model: MOCK_MODEL, stream: true });
    expect(request?.messages.map((message) => message.role)).toEqual(['system', 'user']);
    // The dispatcher's tools, test tools included (scenarios are on).
    expect(request?.tools?.map((tool) => tool.function.name)).toEqual(
      expect.arrayContaining(['calculator', 'clock', 'docs_search', 'sleep', 'fail']),
    );
  });

  it('runs the tool the model calls, feeds its result back under the call id, and answers', async () => {
    const run = await runMessage(server, 'llm one tool');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.calls).toEqual([
      {
        toolCallId: 't-1',
        toolName: 'calculator',
        args: { expression: '6 * 7' },
        status: 'success',
        result: { expression: '6 * 7', value: 42 },
      },
    ]);
    expect(run.text).toContain('42');
    expect(run.thoughts).toEqual([`Asking ${MOCK_MODEL}`, 'Reading the tool results']);
    const [, second] = await requestsFor(mock, 'llm one tool');
    expect(second?.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          expect.objectContaining({
            id: 'call_calc',
            function: { name: 'calculator', arguments: '{"expression":"6 * 7"}' },
          }),
        ],
      },
      { role: 'tool', tool_call_id: 'call_calc', content: '{"expression":"6 * 7","value":42}' },
    ]);
  });

  it('runs parallel tool calls at once and feeds each result back in the order asked', async () => {
    const run = await runMessage(server, 'llm parallel');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.calls.map(({ toolName, args, status }) => ({ toolName, args, status }))).toEqual([
      { toolName: 'sleep', args: { ms: 600 }, status: 'success' },
      { toolName: 'sleep', args: { ms: 100 }, status: 'success' },
      { toolName: 'clock', args: { timeZone: 'Asia/Tokyo' }, status: 'success' },
    ]);
    // All three started before any finished, and the long sleep (asked for first) finished last.
    const types = run.events
      .map((event) => event.type)
      .filter((type) => type.startsWith('tool_') && type !== 'tool_progress');
    expect(types.slice(0, 3)).toEqual(['tool_executing', 'tool_executing', 'tool_executing']);
    expect(run.completed.at(-1)).toBe('t-1');
    const [, second] = await requestsFor(mock, 'llm parallel');
    expect(
      second?.messages.filter((message) => message.role === 'tool').map((message) => message.tool_call_id),
    ).toEqual(['call_sleep_long', 'call_sleep_short', 'call_clock_tokyo']);
    expect(run.text).toBe('Both sleeps are over, and I read the clock in Tokyo.');
  });

  it('assembles tool arguments that arrive one character at a time', async () => {
    const run = await runMessage(server, 'llm fragments');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.calls).toEqual([
      expect.objectContaining({ toolName: 'calculator', args: { expression: '12 * (3 + 4)' }, status: 'success' }),
    ]);
    expect(run.calls[0]?.result).toMatchObject({ value: 84 });
  });

  it('turns malformed argument JSON into a failed call the model sees and recovers from', async () => {
    const run = await runMessage(server, 'llm malformed');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.calls).toEqual([
      {
        toolCallId: 't-1',
        toolName: 'calculator',
        // The page shows what the model sent.
        args: '{"expression": "6 * 7"',
        status: 'error',
        error: expect.stringMatching(/^arguments are not valid JSON: /),
      },
      expect.objectContaining({ toolCallId: 't-2', toolName: 'calculator', status: 'success' }),
    ]);
    expect(run.text).toContain('42');
    const [, second] = await requestsFor(mock, 'llm malformed');
    const toolMessage = second?.messages.find((message) => message.role === 'tool');
    expect(toolMessage?.tool_call_id).toBe('call_bad_json');
    expect(JSON.parse(toolMessage?.content ?? '{}')).toEqual({ error: run.calls[0]?.error });
  });

  it("reports an unknown tool as the dispatcher's error, and lets the model answer", async () => {
    const run = await runMessage(server, 'llm unknown tool');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.calls).toEqual([
      {
        toolCallId: 't-1',
        toolName: 'weather',
        args: { city: 'Paris' },
        status: 'error',
        error: 'unknown tool "weather"',
      },
    ]);
    expect(run.text).toBe('I cannot check the weather: there is no weather tool.');
  });

  it("shows the provider's reasoning as a thought before the answer", async () => {
    const run = await runMessage(server, 'llm reasoning');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.thoughts).toEqual([`Asking ${MOCK_MODEL}`, 'The user wants a greeting. One short sentence will do.']);
    const types = run.events.map((event) => event.type);
    expect(types.lastIndexOf('agent_thinking')).toBeLessThan(types.indexOf('partial_result'));
    expect(run.text).toBe('Hello! I thought about it first.');
  });

  it('routes /assistant to the deterministic agent', async () => {
    const run = await runMessage(server, '/assistant what is 2 + 3?');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({ agentName: 'assistant', status: 'success' });
  });
});
