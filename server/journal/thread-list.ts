/**
 * A user's past threads, for the page's list of chats: each titled by what
 * its first run was asked (the first message, without its command), newest
 * first. Two primary-key lookups per thread (its first agent_started, its last
 * event) through the owner index: no thread's events are scanned.
 */
import type Database from 'better-sqlite3';

export interface ThreadSummary {
  threadId: string;
  /** The first run's input, cut at TITLE_MAX characters. */
  title: string;
  /** Epoch ms of the thread's last event. */
  updatedAt: number;
}

/** Longest title, in characters. */
export const TITLE_MAX = 80;
/** Most threads listed. */
export const DEFAULT_THREAD_LIST_LIMIT = 50;

/** The owner index the listing needs; created with the journal's tables. */
export const THREAD_OWNER_INDEX = 'CREATE INDEX IF NOT EXISTS threads_by_owner ON threads (owner_id)';

const THREADS_OF_OWNER = `
  SELECT threadId, firstStarted, updatedAt FROM (
    SELECT t.thread_id AS threadId,
      (SELECT frame FROM events e WHERE e.thread_id = t.thread_id AND e.type = 'agent_started' ORDER BY seq LIMIT 1)
        AS firstStarted,
      (SELECT json_extract(frame, '$.ts') FROM events e WHERE e.thread_id = t.thread_id ORDER BY seq DESC LIMIT 1)
        AS updatedAt
    FROM threads t WHERE t.owner_id = ?
  ) WHERE firstStarted IS NOT NULL
  ORDER BY updatedAt DESC LIMIT ?`;

interface Row {
  threadId: string;
  firstStarted: string;
  updatedAt: number;
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
  return db
    .prepare<[string, number], Row>(THREADS_OF_OWNER)
    .all(ownerId, limit)
    .map((row) => ({ threadId: row.threadId, title: titleOf(row.firstStarted), updatedAt: row.updatedAt }));
}
