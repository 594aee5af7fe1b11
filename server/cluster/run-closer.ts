/**
 * Closes a run that nobody runs any more (its node died, or lost Redis while
 * it ran): reads the run's events back from its thread's stream, completes
 * its open tool calls as errors, then the run as `interrupted`. Each append
 * is checked against the thread's last seq, so two nodes closing the same run
 * cannot both write: the second finds it closed, or fails its append.
 */
import type { RunEvent } from '../../protocol';
import type { RedisStore } from './redis-store';

/** Events read back per step while looking for the run's start. */
const PAGE = 500;

interface OpenRun {
  startedAt: number;
  openTools: { toolCallId: string; toolName: string }[];
}

/** The run as its events leave it: undefined when it completed (or is not in the stream). */
async function openRunOf(store: RedisStore, threadId: string, runId: string): Promise<OpenRun | undefined> {
  const events: RunEvent[] = [];
  let before: number | undefined;
  for (;;) {
    const page = (await store.framesBefore(threadId, before, PAGE)).map((frame) => JSON.parse(frame) as RunEvent);
    for (const event of page) {
      if (event.runId !== runId) continue;
      if (event.type === 'agent_completed') return undefined;
      events.unshift(event);
      if (event.type === 'agent_started') return foldOpenRun(events);
    }
    if (page.length < PAGE) return events.length > 0 ? foldOpenRun(events) : undefined;
    before = page.at(-1)?.seq;
  }
}

function foldOpenRun(events: readonly RunEvent[]): OpenRun {
  const open = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'tool_executing') open.set(event.payload.toolCallId, event.payload.toolName);
    if (event.type === 'tool_completed') open.delete(event.payload.toolCallId);
  }
  return {
    startedAt: events[0]?.ts ?? Date.now(),
    openTools: [...open].map(([toolCallId, toolName]) => ({ toolCallId, toolName })),
  };
}

/** Closes the run if it is still open; returns whether it did. */
export async function closeOpenRun(
  store: RedisStore,
  run: { threadId: string; runId: string; ownerId?: string },
  reason: string,
  /** The node that closes it, to which the run is recorded. */
  writer: string,
  now: () => number = Date.now,
): Promise<boolean> {
  const open = await openRunOf(store, run.threadId, run.runId);
  if (!open) return false;
  const meta = await store.thread(run.threadId);
  let seq = meta?.lastSeq ?? 0;
  const durationMs = Math.max(0, now() - open.startedAt);
  const base = { threadId: run.threadId, runId: run.runId };
  const closing: RunEvent[] = [
    ...open.openTools.map(
      ({ toolCallId, toolName }): RunEvent => ({
        type: 'tool_completed',
        ...base,
        seq: ++seq,
        ts: now(),
        payload: { toolCallId, toolName, status: 'error', error: `interrupted: ${reason}`, durationMs },
      }),
    ),
    {
      type: 'agent_completed',
      ...base,
      seq: ++seq,
      ts: now(),
      payload: { status: 'interrupted', error: reason, durationMs },
    },
  ];
  for (const event of closing) await store.append(event, JSON.stringify(event), run.ownerId, writer);
  return true;
}
