import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRunLifecycle, type RunEvent } from '../../protocol';
import type { Agent } from '../runtime/agent';
import { AgentRegistry } from '../runtime/agent-registry';
import { ThreadNotifier } from '../runtime/notifier';
import { RunManager } from '../runtime/run-manager';
import { ToolDispatcher } from '../runtime/tool-dispatcher';
import { defineTool } from '../tools/tool';
import { EventJournal } from './event-journal';

function event(seq: number, type: RunEvent['type'] = 'partial_result', runId = 'r-1'): RunEvent {
  const payloads: Partial<Record<RunEvent['type'], unknown>> = {
    agent_started: { agentName: 'a', input: 'hi' },
    partial_result: { delta: `d${seq}` },
  };
  return { type, threadId: 't-1', runId, seq, ts: seq, payload: payloads[type] } as RunEvent;
}

const append = (journal: EventJournal, e: RunEvent) => journal.append(e, JSON.stringify(e));

describe('EventJournal', () => {
  describe('#framesAfter', () => {
    it('should return events after a seq, in order, including appends not yet committed', () => {
      const journal = new EventJournal({ path: ':memory:', batchSize: 1000 });
      for (let seq = 1; seq <= 5; seq += 1) append(journal, event(seq));
      const frames = journal.framesAfter('t-1', 2).map((frame) => JSON.parse(frame).seq);
      expect(frames).toEqual([3, 4, 5]);
      expect(journal.framesAfter('unknown', 0)).toEqual([]);
      expect(journal.lastSeq('t-1')).toBe(5);
      expect(journal.lastSeq('unknown')).toBe(0);
      journal.close();
    });
  });

  describe('#append', () => {
    it('should persist across reopening the file', () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'nested', 'journal.db');
      const first = new EventJournal({ path: file, batchSize: 2 });
      for (let seq = 1; seq <= 3; seq += 1) append(first, event(seq));
      first.close();
      const second = new EventJournal({ path: file });
      expect(second.lastSeq('t-1')).toBe(3);
      second.close();
    });

    it('should refuse a duplicate seq, delivering nothing it could not commit', () => {
      const journal = new EventJournal({ path: ':memory:', batchSize: 1 });
      const delivered: number[] = [];
      journal.onCommitted((_threadId, frame) => delivered.push(JSON.parse(frame).seq));
      append(journal, event(1));
      expect(() => append(journal, event(1))).toThrow(/UNIQUE|PRIMARY KEY/);
      expect(delivered).toEqual([1]);
      expect(() => journal.close()).toThrow(/UNIQUE|PRIMARY KEY/); // still pending, never delivered
      expect(delivered).toEqual([1]);
    });
  });

  describe('restart', () => {
    const hang = defineTool({
      name: 'hang',
      description: 'never finishes',
      args: z.object({}),
      execute: () => new Promise<never>(() => {}),
    });
    const stuck: Agent = {
      name: 'stuck',
      description: 'calls a tool that never finishes',
      run: async (ctx) => {
        ctx.think('working');
        await ctx.callTool('hang', {});
      },
    };
    const manager = (journal: EventJournal) =>
      new RunManager({
        registry: new AgentRegistry().register(stuck, { isDefault: true }),
        dispatcher: new ToolDispatcher([hang], { timeoutMs: 60_000 }),
        notifier: new ThreadNotifier(),
        logger: pino({ level: 'silent' }),
        journal,
      });

    it('should close a run left open by a crash as interrupted, completing its open tool calls first', () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'journal.db');
      const before = new EventJournal({ path: file });
      const { threadId, runId } = manager(before).startRun({ text: 'go' });
      before.close(); // the process "dies" with the run open

      const after = new EventJournal({ path: file });
      const restarted = manager(after);
      expect(after.unfinishedRuns()).toEqual([
        expect.objectContaining({ runId, threadId, openToolCalls: [{ toolCallId: 't-1', toolName: 'hang' }] }),
      ]);
      expect(restarted.interruptUnfinishedRuns()).toBe(1);
      const events = after.framesAfter(threadId, 0).map((frame) => JSON.parse(frame) as RunEvent);
      expect(events.map((e) => e.type)).toEqual([
        'agent_started',
        'agent_thinking',
        'tool_executing',
        'tool_completed',
        'agent_completed',
      ]);
      expect(events.at(-1)?.payload).toMatchObject({ status: 'interrupted' });
      expect(checkRunLifecycle(events)).toEqual([]);
      expect(after.unfinishedRuns()).toEqual([]);
      expect(restarted.hasThread(threadId)).toBe(true);
      after.close();
    });
  });
});
