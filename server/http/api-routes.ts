/**
 * `/api`: what the page lists (agents, tools, scenarios), sessions, and the
 * signed-in user's threads and their events. Every refusal is an HttpError.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { describeIssues } from '../../protocol';
import type { AgentRuntime } from '../agent-runtime';
import { requireSession, sessionRouter, userOf } from '../auth/session-http';
import type { ServerOptions } from '../config';
import { DEFAULT_THREAD_LIST_LIMIT } from '../journal/thread-list';
import { HttpError, notFound } from './http-error';

/** Events per page of `GET /api/threads/:threadId/events`, by default and at most. */
const DEFAULT_EVENTS_PAGE = 1_000;
const MAX_EVENTS_PAGE = 5_000;

const threadEventsQuery = z.object({
  afterSeq: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(DEFAULT_EVENTS_PAGE),
});

export interface ApiOptions {
  runtime: AgentRuntime;
  options: Pick<ServerOptions, 'scenarios' | 'faults' | 'sessionsPerMinute'>;
  /** Test-only (scenarios on): cuts the user's sockets from the server side; returns how many. */
  terminateSockets?: (userId: string) => number;
}

export function apiRoutes({ runtime, options, terminateSockets }: ApiOptions): Router {
  const { registry, dispatcher, scenarios, commands, tokens } = runtime;
  const api = express.Router();
  api.get('/agents', (_req, res) => res.json({ agents: registry.list() }));
  api.get('/tools', (_req, res) => res.json({ tools: dispatcher.list() }));
  api.get('/scenarios', (_req, res) => {
    res.json({
      enabled: Boolean(options.scenarios),
      faults: Boolean(options.faults),
      scenarios: [...scenarios.values()].map(({ name, description, params }) => ({ name, description, params })),
      commands,
    });
  });
  api.use(sessionRouter(tokens, { perMinute: options.sessionsPerMinute }));
  const signedIn = requireSession(tokens);
  // The caller's past chats, newest first, titled by their first message.
  api.get('/threads', signedIn, async (_req, res) => {
    const { userId } = userOf(res);
    const { cluster, journal } = runtime;
    res.json({
      threads: cluster ? await cluster.threadsOf(userId, DEFAULT_THREAD_LIST_LIMIT) : journal?.threadsOf(userId),
    });
  });
  api.get('/threads/:threadId/events', signedIn, async (req, res) => {
    const query = threadEventsQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_message', describeIssues(query.error));
    const threadId = String(req.params.threadId);
    await authorizeThread(runtime, threadId, userOf(res).userId);
    const { afterSeq, limit } = query.data;
    const frames = runtime.cluster
      ? await runtime.cluster.framesAfter(threadId, afterSeq, limit)
      : runtime.runs.framesAfter(threadId, afterSeq, limit);
    // A full page may have more after it: the next page starts after its last seq.
    const last = frames.length === limit ? (JSON.parse(frames.at(-1) as string) as { seq: number }).seq : undefined;
    const next = last === undefined ? '' : `,"nextAfterSeq":${last}`;
    res.type('json').send(`{"threadId":${JSON.stringify(threadId)},"events":[${frames.join(',')}]${next}}`);
  });
  if (terminateSockets) {
    api.post('/test/terminate-sockets', signedIn, (_req, res) => {
      res.json({ terminated: terminateSockets(userOf(res).userId) });
    });
  }
  api.use(notFound);
  return api;
}

/** The thread must exist (here or, on a cluster, in Redis) and be the user's; refusals are RunRejectedErrors. */
async function authorizeThread(runtime: AgentRuntime, threadId: string, userId: string): Promise<void> {
  await runtime.cluster?.loadThread(threadId);
  runtime.runs.authorizeThread(threadId, userId);
}
