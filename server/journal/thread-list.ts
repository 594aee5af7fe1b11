/**
 * A user's past threads, for the page's list of chats: each titled by its
 * first message (what its first run's agent_started says it was asked), with
 * when it last moved and how many runs it holds, newest first.
 */
import type Database from 'better-sqlite3';

export interface ThreadSummary {
  threadId: string;
  /** The first run's input, cut at TITLE_MAX characters. */
  title: string;
  /** Epoch ms of the thread's last event. */
  updatedAt: number;
  runs: number;
}

/** Longest title, in characters. */
export const TITLE_MAX = 80;
/** Most threads listed. */
export const DEFAULT_THREAD_LIST_LIMIT = 50;

const THREADS_OF_OWNER = `
  SELECT t.thread_id AS threadId,
    (SELECT frame FROM events e WHERE e.thread_id = t.thread_id AND e.type = 'agent_started' ORDER BY seq LIMIT 1)
      AS firstStarted,
    (SELECT frame FROM events e WHERE e.thread_id = t.thread_id ORDER BY seq DESC LIMIT 1) AS lastFrame,
    (SELECT COUNT(*) FROM events e WHERE e.thread_id = t.thread_id AND e.type = 'agent_started') AS runs
  FROM threads t WHERE t.owner_id = ?`;

interface Row {
  threadId: string;
  firstStarted: string | null;
  lastFrame: string | null;
  runs: number;
}

function titleOf(firstStarted: string): string {
  const { payload } = JSON.parse(firstStarted) as { payload: { input: string; agentName: string } };
  const text = payload.input.replace(/\s+/g, ' ').trim() || payload.agentName;
  return text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1)}…` : text;
}

export function listThreads(
  db: Database.Database,
  ownerId: string,
  limit = DEFAULT_THREAD_LIST_LIMIT,
): ThreadSummary[] {
  const rows = db.prepare<[string], Row>(THREADS_OF_OWNER).all(ownerId);
  return rows
    .flatMap((row) =>
      row.firstStarted && row.lastFrame
        ? [
            {
              threadId: row.threadId,
              title: titleOf(row.firstStarted),
              updatedAt: (JSON.parse(row.lastFrame) as { ts: number }).ts,
              runs: row.runs,
            },
          ]
        : [],
    )
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, limit);
}
