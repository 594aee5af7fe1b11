import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunLifecycle, isKeepAlive, normalizeTrace, type RunEvent, serializeTrace } from '../../protocol';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';
import { parseReplayInput, ReplayError } from './replay-agent';

/** The stream without agent_started, whose agent name and input differ between a run and its replay. */
const played = (events: RunEvent[]) => normalizeTrace(events, { dropProgress: false }).slice(1);

let dir: string;
let server: RunningServer;
let client: WsTestClient;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'replays-'));
  server = await startTestServer({ replayDir: dir, faults: true, keepAliveMs: 50 });
  client = await WsTestClient.connectAs(server.url);
});
afterAll(async () => {
  client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A synthetic recording: [type, payload, ts] rows, numbered as one run. */
async function writeTrace(name: string, rows: Array<[RunEvent['type'], unknown, number]>): Promise<RunEvent[]> {
  const events = rows.map(
    ([type, payload, ts], index) => ({ type, threadId: 'th', runId: 'r', seq: index + 1, ts, payload }) as RunEvent,
  );
  await writeFile(path.join(dir, `${name}.jsonl`), serializeTrace(events));
  return events;
}

const started = (ts = 0): [RunEvent['type'], unknown, number] => [
  'agent_started',
  { agentName: 'prod', input: 'x' },
  ts,
];
const completed = (ts: number): [RunEvent['type'], unknown, number] => [
  'agent_completed',
  { status: 'success', text: '', durationMs: ts },
  ts,
];

async function recordAs(name: string, message: string): Promise<RunEvent[]> {
  const { events } = await client.runToCompletion(message);
  await writeFile(path.join(dir, `${name}.jsonl`), serializeTrace(events));
  return events;
}

describe('replay agent', () => {
  describe('#run', () => {
    it.each([
      ['parallel tools that finish out of order', 'parallel', '/scenario parallel-tools'],
      ['a failing tool and a failed run', 'failure', '/scenario agent-error'],
      ['a tool error the run recovers from', 'tool-error', '/scenario tool-error'],
    ])('plays back %s event for event, even with no waiting', async (_title, name, message) => {
      const recorded = await recordAs(name, message);
      const { events } = await client.runToCompletion(`/replay ${name} scale=0`);
      expect(checkRunLifecycle(events)).toEqual([]);
      expect(events[0]?.payload).toMatchObject({ agentName: 'replay' });
      expect(played(events)).toEqual(played(recorded));
    });

    it('closes a tool call the recording never completed, as an error after the recorded steps', async () => {
      const recorded = await recordAs('crashed', '/fault crash-tool; /scenario basic');
      expect(recorded.some((event) => event.type === 'tool_completed')).toBe(false);
      const { events } = await client.runToCompletion('/replay crashed scale=0');
      expect(checkRunLifecycle(events)).toEqual([]);
      // The server's own keep-alives (after 50 ms of silence, which a busy machine can reach anywhere) are not the run's.
      const ending = events.filter((event) => !isKeepAlive(event)).slice(-2);
      expect(ending.map((event) => event.type)).toEqual(['tool_completed', 'agent_completed']);
      expect(ending[0]?.payload).toMatchObject({
        status: 'error',
        error: 'the recording has no tool_completed for this call',
      });
    });

    it('keeps a tool progress recorded before a later step ahead of it, with no waiting', async () => {
      const recorded = await writeTrace('progress-first', [
        started(),
        ['tool_executing', { toolCallId: 't-1', toolName: 'web_search', args: {} }, 1],
        ['tool_progress', { toolCallId: 't-1', progress: 0.5 }, 2],
        ['agent_thinking', { thought: 'reading results', step: 1 }, 3],
        ['tool_completed', { toolCallId: 't-1', toolName: 'web_search', status: 'success', durationMs: 3 }, 4],
        completed(5),
      ]);
      const { events } = await client.runToCompletion('/replay progress-first scale=0');
      expect(played(events)).toEqual(played(recorded));
    });

    it("ends a call the recording never completed after every other call's events", async () => {
      await writeTrace('two-calls', [
        started(),
        ['tool_executing', { toolCallId: 't-1', toolName: 'lost', args: {} }, 1],
        ['tool_executing', { toolCallId: 't-2', toolName: 'slow', args: {} }, 2],
        ['partial_result', { delta: 'a' }, 3],
        ['tool_progress', { toolCallId: 't-2', progress: 0.5 }, 4],
        ['tool_completed', { toolCallId: 't-2', toolName: 'slow', status: 'success', durationMs: 3 }, 5],
      ]);
      const { events } = await client.runToCompletion('/replay two-calls scale=0');
      expect(checkRunLifecycle(events)).toEqual([]);
      const tail = events
        .filter((event) => !isKeepAlive(event))
        .slice(-4)
        .map((event) => [event.type, 'toolName' in event.payload ? event.payload.toolName : '']);
      expect(tail).toEqual([
        ['tool_progress', ''],
        ['tool_completed', 'slow'],
        ['tool_completed', 'lost'],
        ['agent_completed', ''],
      ]);
    });

    it('leaves out the recorded keep-alives and keeps the replayed run alive with its own', async () => {
      // The test server sends a keep-alive after 50 ms of silence; this call is silent for 300 ms.
      await writeTrace('quiet-tool', [
        started(),
        ['tool_executing', { toolCallId: 't-1', toolName: 'batch_job', args: {} }, 0],
        ['tool_progress', { toolCallId: 't-1', progress: 0.1 }, 10],
        ['tool_progress', { toolCallId: 't-1', progress: 0.1, message: 'still running (2 s)', keepAlive: true }, 150],
        ['tool_completed', { toolCallId: 't-1', toolName: 'batch_job', status: 'success', durationMs: 300 }, 300],
        completed(300),
      ]);
      const { events } = await client.runToCompletion('/replay quiet-tool');
      const progress = events.filter((event) => event.type === 'tool_progress');
      expect(progress.filter((event) => !isKeepAlive(event)).map((event) => event.payload)).toEqual([
        { toolCallId: 't-1', progress: 0.1 },
      ]);
      expect(progress.filter(isKeepAlive).length).toBeGreaterThan(0);
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('keeps the recorded timing at scale=1', async () => {
      const recorded = await recordAs('slow', '/scenario slow-tool 400');
      const { events } = await client.runToCompletion('/replay slow');
      const span = (list: RunEvent[]) => (list.at(-1)?.ts ?? 0) - (list[0]?.ts ?? 0);
      expect(span(events)).toBeGreaterThanOrEqual(span(recorded) * 0.9);
      expect(events.filter((event) => event.type === 'tool_progress').length).toBeGreaterThan(0);
    });

    it('fails the run with a clear error for an unknown or unreadable recording', async () => {
      const missing = await client.runToCompletion('/replay nope');
      expect(missing.events.at(-1)?.payload).toMatchObject({ status: 'failed', error: 'no recording "nope"' });
      await writeFile(path.join(dir, 'broken.jsonl'), '{"type":"agent_started"}\n');
      const broken = await client.runToCompletion('/replay broken');
      expect(broken.events.at(-1)?.payload).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^broken\.jsonl:1: not a run event/),
      });
    });
  });

  describe('#parseReplayInput', () => {
    it('reads the name and scale', () => {
      expect(parseReplayInput('calc')).toEqual({ name: 'calc', scale: 1 });
      expect(parseReplayInput('calc.jsonl scale=0.25')).toEqual({ name: 'calc', scale: 0.25 });
    });

    it.each(['', '../etc/passwd', 'a/b', 'calc speed=2', 'calc scale=-1', 'calc scale=', 'calc scale=11'])(
      'refuses %j',
      (input) => {
        expect(() => parseReplayInput(input)).toThrow(ReplayError);
      },
    );
  });
});
