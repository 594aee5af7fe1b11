import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/tool';
import { type ToolCall, ToolDispatcher, type ToolEventSink } from './tool-dispatcher';

type Recorded = { type: string; payload: Record<string, unknown> };

function recordingSink(): ToolEventSink & { events: Recorded[] } {
  const events: Recorded[] = [];
  return {
    events,
    emit(type: string, payload: Record<string, unknown>) {
      events.push({ type, payload });
    },
  } as ToolEventSink & { events: Recorded[] };
}

const echo = defineTool({
  name: 'echo',
  description: 'returns its input',
  args: z.object({ value: z.string() }),
  execute: ({ value }) => ({ value }),
});
const boom = defineTool({
  name: 'boom',
  description: 'throws',
  args: z.object({}),
  execute: () => {
    throw new Error('kaboom');
  },
});
const hang = defineTool({
  name: 'hang',
  description: 'never settles and ignores its signal',
  args: z.object({}),
  timeoutMs: 20,
  execute: () => new Promise<never>(() => {}),
});
const wait = defineTool({
  name: 'wait',
  description: 'waits ms, reporting progress',
  args: z.object({ ms: z.number() }),
  execute: async ({ ms }, { progress }) => {
    progress(0.5, 'half way');
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { ms };
  },
});

const call = (toolName: string, args: unknown = {}, toolCallId = 't-1'): ToolCall => ({ toolCallId, toolName, args });
const types = (events: Recorded[]) => events.map((event) => event.type);

describe('ToolDispatcher', () => {
  const dispatcher = new ToolDispatcher([echo, boom, hang, wait]);
  const live = () => new AbortController().signal;

  describe('#invoke', () => {
    it('emits tool_executing then tool_completed with success and the result', async () => {
      const sink = recordingSink();
      const outcome = await dispatcher.invoke(call('echo', { value: 'hi' }), sink, live());
      expect(outcome).toEqual({ ok: true, toolCallId: 't-1', toolName: 'echo', result: { value: 'hi' } });
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_completed']);
      expect(sink.events[1]?.payload).toMatchObject({ status: 'success', result: { value: 'hi' }, toolName: 'echo' });
      expect(sink.events[1]?.payload.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('pairs the events when the tool throws', async () => {
      const sink = recordingSink();
      const outcome = await dispatcher.invoke(call('boom'), sink, live());
      expect(outcome).toMatchObject({ ok: false, error: 'kaboom' });
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_completed']);
      expect(sink.events[1]?.payload).toMatchObject({ status: 'error', error: 'kaboom' });
    });

    it('pairs the events when the tool times out, even if it ignores its signal', async () => {
      const sink = recordingSink();
      const outcome = await dispatcher.invoke(call('hang'), sink, live());
      expect(outcome).toMatchObject({ ok: false, error: 'timed out after 20 ms' });
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_completed']);
    });

    it('pairs the events when the run is aborted mid-call', async () => {
      const sink = recordingSink();
      const run = new AbortController();
      const pending = dispatcher.invoke(call('wait', { ms: 10_000 }), sink, run.signal);
      await expect.poll(() => types(sink.events)).toContain('tool_progress');
      run.abort(new Error('cancelled by user'));
      await expect(pending).resolves.toMatchObject({ ok: false, error: 'cancelled by user' });
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_progress', 'tool_completed']);
    });

    it('completes as an error without running the tool when the run is already aborted', async () => {
      let ran = false;
      const spy = defineTool({
        name: 'spy',
        description: 'records that it ran',
        args: z.object({}),
        execute: () => {
          ran = true;
          return 1;
        },
      });
      const sink = recordingSink();
      const run = new AbortController();
      run.abort(new Error('cancelled by user'));
      const outcome = await new ToolDispatcher([spy]).invoke(call('spy'), sink, run.signal);
      expect(outcome).toMatchObject({ ok: false, error: 'cancelled by user' });
      expect(ran).toBe(false);
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_completed']);
    });

    it('pairs the events for an unknown tool and for invalid arguments', async () => {
      const unknown = recordingSink();
      await expect(dispatcher.invoke(call('nope'), unknown, live())).resolves.toMatchObject({
        ok: false,
        error: 'unknown tool "nope"',
      });
      expect(types(unknown.events)).toEqual(['tool_executing', 'tool_completed']);

      const invalid = recordingSink();
      const outcome = await dispatcher.invoke(call('echo', { value: 3 }), invalid, live());
      expect(outcome).toMatchObject({ ok: false });
      expect(outcome.ok || outcome.error).toMatch(/^invalid arguments: value: /);
      expect(types(invalid.events)).toEqual(['tool_executing', 'tool_completed']);
    });

    it('pairs every call when tools run concurrently', async () => {
      const sink = recordingSink();
      const outcomes = await Promise.all([
        dispatcher.invoke(call('wait', { ms: 30 }, 'a'), sink, live()),
        dispatcher.invoke(call('boom', {}, 'b'), sink, live()),
        dispatcher.invoke(call('echo', { value: 'x' }, 'c'), sink, live()),
        dispatcher.invoke(call('hang', {}, 'd'), sink, live()),
      ]);
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true, false]);
      for (const id of ['a', 'b', 'c', 'd']) {
        const mine = sink.events.filter((event) => event.payload.toolCallId === id && event.type !== 'tool_progress');
        expect(types(mine), `call ${id}`).toEqual(['tool_executing', 'tool_completed']);
      }
    });

    it('reports a result JSON cannot carry as an error', async () => {
      const cyclic = defineTool({
        name: 'cyclic',
        description: 'returns a cycle',
        args: z.object({}),
        execute: () => {
          const value: Record<string, unknown> = {};
          value.self = value;
          return value;
        },
      });
      const sink = recordingSink();
      const outcome = await new ToolDispatcher([cyclic]).invoke(call('cyclic'), sink, live());
      expect(outcome.ok || outcome.error).toMatch(/not JSON-serializable/);
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_completed']);
    });

    it('sends arguments JSON cannot carry as null and fails the call', async () => {
      const args: Record<string, unknown> = {};
      args.self = args;
      const sink = recordingSink();
      const outcome = await dispatcher.invoke(call('echo', args), sink, live());
      expect(outcome.ok || outcome.error).toMatch(/^arguments are not JSON-serializable/);
      expect(sink.events.map((event) => [event.type, event.payload.args])).toEqual([
        ['tool_executing', null],
        ['tool_completed', undefined],
      ]);
    });

    it('drops progress reported after the call completed', async () => {
      let report: ((p: number) => void) | undefined;
      const leaky = defineTool({
        name: 'leaky',
        description: 'keeps its progress callback',
        args: z.object({}),
        execute: (_args, { progress }) => {
          report = progress;
          return 1;
        },
      });
      const sink = recordingSink();
      await new ToolDispatcher([leaky]).invoke(call('leaky'), sink, live());
      report?.(0.9);
      expect(types(sink.events)).toEqual(['tool_executing', 'tool_completed']);
    });
  });

  describe('clean-up', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('leaves no timer and no listener on the run signal, and aborts the signal it gave the tool', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
      let toolSignal: AbortSignal | undefined;
      const stuck = defineTool({
        name: 'stuck',
        description: 'keeps its signal, never settles',
        args: z.object({}),
        timeoutMs: 5_000,
        execute: (_args, { signal }) => {
          toolSignal = signal;
          return new Promise<never>(() => {});
        },
      });
      const run = new AbortController();
      const pending = new ToolDispatcher([stuck], { keepAliveMs: 1_000 }).invoke(
        call('stuck'),
        recordingSink(),
        run.signal,
      );
      await vi.advanceTimersByTimeAsync(5_000);
      await expect(pending).resolves.toMatchObject({ ok: false, error: 'timed out after 5000 ms' });
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
      expect(toolSignal?.aborted).toBe(true);
    });

    it('aborts the signal of a tool still holding it once its call has succeeded', async () => {
      let toolSignal: AbortSignal | undefined;
      const keeper = defineTool({
        name: 'keeper',
        description: 'keeps its signal',
        args: z.object({}),
        execute: (_args, { signal }) => {
          toolSignal = signal;
          return 1;
        },
      });
      const run = new AbortController();
      await new ToolDispatcher([keeper]).invoke(call('keeper'), recordingSink(), run.signal);
      expect(toolSignal?.aborted).toBe(true);
      expect(toolSignal?.reason).toMatchObject({ message: 'tool call finished' });
      expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    });
  });

  describe('keep-alive', () => {
    it('reports progress for a silent tool, keeping its last value', async () => {
      const quiet = defineTool({
        name: 'quiet',
        description: 'reports once, then goes silent',
        args: z.object({}),
        execute: async (_args, { progress }) => {
          progress(0.25);
          await new Promise((resolve) => setTimeout(resolve, 150));
          return 'done';
        },
      });
      const sink = recordingSink();
      await new ToolDispatcher([quiet], { keepAliveMs: 40 }).invoke(call('quiet'), sink, live());
      const progress = sink.events.filter((event) => event.type === 'tool_progress').map((event) => event.payload);
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress[0]).toEqual({ toolCallId: 't-1', progress: 0.25 });
      expect(progress.at(-1)).toEqual({
        toolCallId: 't-1',
        progress: 0.25,
        message: expect.stringMatching(/^still running/),
        keepAlive: true,
      });
      expect(sink.events.at(-1)?.type).toBe('tool_completed');
    });
  });

  describe('#specs', () => {
    it('describes every tool with a JSON Schema of its arguments, as a model sees them', () => {
      const withDefault = defineTool({
        name: 'search',
        description: 'searches',
        args: z.object({ query: z.string().min(1), limit: z.number().int().max(10).default(3) }),
        execute: () => null,
      });
      const specs = new ToolDispatcher([echo, withDefault]).specs();
      expect(specs).toEqual([
        {
          name: 'echo',
          description: 'returns its input',
          parameters: {
            type: 'object',
            properties: { value: { type: 'string' } },
            required: ['value'],
          },
        },
        {
          name: 'search',
          description: 'searches',
          parameters: {
            type: 'object',
            properties: {
              query: { type: 'string', minLength: 1 },
              limit: { type: 'integer', maximum: 10, default: 3, minimum: expect.any(Number) },
            },
            // A defaulted argument is optional to the caller: the schema describes the input.
            required: ['query'],
          },
        },
      ]);
    });

    it('describes what JSON Schema cannot express as anything, instead of throwing', () => {
      const odd = defineTool({
        name: 'odd',
        description: 'takes a transformed value',
        args: z.object({ when: z.string().transform((value) => new Date(value)) }),
        execute: () => null,
      });
      expect(() => new ToolDispatcher([odd]).specs()).not.toThrow();
      expect(new ToolDispatcher([odd]).specs()[0]?.parameters).toMatchObject({ type: 'object' });
    });
  });

  describe('#register', () => {
    it('refuses a second tool with the same name', () => {
      expect(() => new ToolDispatcher([echo, echo])).toThrow('tool "echo" is already registered');
    });
  });
});
