/**
 * Runs the journal holds open: an `agent_started` without its `agent_completed`.
 * A restart closes all of them (the process that ran them is gone); a live
 * server closes a thread's open run that it no longer runs (its end was lost).
 * A thread runs one run at a time, so only its last run can be open.
 */
import type Database from 'better-sqlite3';

/** A run that has `agent_started` but no `agent_completed` in the journal. */
export interface UnfinishedRun {
  threadId: string;
  runId: string;
  startedAt: number;
  /** Tool calls opened without their `tool_completed`. */
  openToolCalls: { toolCallId: string; toolName: string }[];
}

/** An appended event not yet committed, as the journal buffers it. */
export interface JournalRow {
  threadId: string;
  seq: number;
  runId: string;
  type: string;
  frame: string;
}

type OpenRun = Omit<UnfinishedRun, 'openToolCalls'> & { tools: Map<string, string> };

function openRun(threadId: string, runId: string, startedFrame: string): OpenRun {
  const { ts } = JSON.parse(startedFrame) as { ts: number };
  return { threadId, runId, startedAt: ts, tools: new Map() };
}

function foldToolEvent(run: OpenRun, type: string, frame: string): void {
  if (type !== 'tool_executing' && type !== 'tool_completed') return;
  const { payload } = JSON.parse(frame) as { payload: { toolCallId: string; toolName: string } };
  if (type === 'tool_executing') run.tools.set(payload.toolCallId, payload.toolName);
  else run.tools.delete(payload.toolCallId);
}

function finish({ tools, ...run }: OpenRun): UnfinishedRun {
  return { ...run, openToolCalls: [...tools].map(([toolCallId, toolName]) => ({ toolCallId, toolName })) };
}

const TOOL_EVENTS_OF_RUN = `SELECT type, frame FROM events
  WHERE thread_id = ? AND run_id = ? AND type IN ('tool_executing', 'tool_completed') ORDER BY seq`;

/** Every open run; `pending` (appended, not yet committed) counts as journaled. */
export function findUnfinishedRuns(db: Database.Database, pending: readonly JournalRow[]): UnfinishedRun[] {
  const started = db
    .prepare<[], { run_id: string; thread_id: string; frame: string }>(
      `SELECT run_id, thread_id, frame FROM events e WHERE type = 'agent_started'
         AND NOT EXISTS (SELECT 1 FROM events c
                         WHERE c.thread_id = e.thread_id AND c.run_id = e.run_id AND c.type = 'agent_completed')`,
    )
    .all();
  const toolEvents = db.prepare<[string, string], { type: string; frame: string }>(TOOL_EVENTS_OF_RUN);
  const runs = new Map<string, OpenRun>();
  for (const run of started) {
    const open = openRun(run.thread_id, run.run_id, run.frame);
    for (const row of toolEvents.all(run.thread_id, run.run_id)) foldToolEvent(open, row.type, row.frame);
    runs.set(run.run_id, open);
  }
  for (const row of pending) {
    if (row.type === 'agent_started') runs.set(row.runId, openRun(row.threadId, row.runId, row.frame));
    else if (row.type === 'agent_completed') runs.delete(row.runId);
    else {
      const open = runs.get(row.runId);
      if (open) foldToolEvent(open, row.type, row.frame);
    }
  }
  return [...runs.values()].map(finish);
}

/** The thread's last run, when it is open (committed events only); one indexed lookup when it is not. */
export function findUnfinishedRunOf(db: Database.Database, threadId: string): UnfinishedRun | undefined {
  const last = db
    .prepare<[string], { run_id: string; type: string }>(
      'SELECT run_id, type FROM events WHERE thread_id = ? ORDER BY seq DESC LIMIT 1',
    )
    .get(threadId);
  if (!last || last.type === 'agent_completed') return undefined;
  const started = db
    .prepare<[string, string], { frame: string }>(
      `SELECT frame FROM events WHERE thread_id = ? AND run_id = ? AND type = 'agent_started'`,
    )
    .get(threadId, last.run_id);
  if (!started) return undefined;
  const open = openRun(threadId, last.run_id, started.frame);
  const toolEvents = db.prepare<[string, string], { type: string; frame: string }>(TOOL_EVENTS_OF_RUN);
  for (const row of toolEvents.all(threadId, last.run_id)) foldToolEvent(open, row.type, row.frame);
  return finish(open);
}
