/**
 * Run events: the server-to-client frames that describe one agent run.
 *
 * Every event is one JSON text frame with the same envelope. The schemas are
 * the source of truth; the TypeScript types are inferred from them.
 */
import { z } from 'zod';

/** Names of every run event type, in the order a typical run emits them. */
export const RUN_EVENT_TYPES = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_progress',
  'tool_completed',
  'partial_result',
  'agent_completed',
] as const;

/** The events every run must be able to emit (tool_progress is optional). */
export const REQUIRED_EVENT_TYPES = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'partial_result',
  'agent_completed',
] as const satisfies readonly (typeof RUN_EVENT_TYPES)[number][];

export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

/** Longest id (thread, run, tool call, client message) the contract accepts, in characters. */
export const MAX_ID_LENGTH = 200;
/** Every id of the contract: a non-empty string of at most MAX_ID_LENGTH characters. */
export const idSchema = z.string().min(1).max(MAX_ID_LENGTH);

const agentStartedPayload = z.object({
  agentName: z.string().min(1),
  input: z.string(),
});

/**
 * Set (to true) on a keep-alive: an event the server sends only to show that a
 * silent run or tool is still alive. It repeats the current state and is not progress.
 */
const keepAlive = z.boolean().optional();

const agentThinkingPayload = z.object({
  thought: z.string(),
  step: z.number().int().positive(),
  totalSteps: z.number().int().positive().optional(),
  /** A keep-alive repeats the current thought (same step); it is not a new one. */
  keepAlive,
});

const toolExecutingPayload = z.object({
  toolCallId: idSchema,
  toolName: z.string().min(1),
  args: z.unknown(),
});

const toolProgressPayload = z.object({
  toolCallId: idSchema,
  progress: z.number().min(0).max(1),
  message: z.string().optional(),
  /** A keep-alive repeats the call's last progress ("still running (N s)"). */
  keepAlive,
});

const toolCompletedPayload = z.object({
  toolCallId: idSchema,
  toolName: z.string().min(1),
  status: z.enum(['success', 'error']),
  result: z.unknown().optional(),
  error: z.string().optional(),
  durationMs: z.number().nonnegative(),
});

const partialResultPayload = z.object({
  delta: z.string(),
  /**
   * Set when the server merged the deltas of seq `coalescedFrom` .. `seq` into
   * this one event (for a client too slow to take them one by one).
   */
  coalescedFrom: z.number().int().positive().optional(),
});

const agentCompletedPayload = z.object({
  /** `interrupted`: the server stopped (crash or restart) before the run finished. */
  status: z.enum(['success', 'failed', 'cancelled', 'interrupted']),
  text: z.string().optional(),
  error: z.string().optional(),
  durationMs: z.number().nonnegative(),
});

/** Payload schema of each event type. */
const payloadSchemas = {
  agent_started: agentStartedPayload,
  agent_thinking: agentThinkingPayload,
  tool_executing: toolExecutingPayload,
  tool_progress: toolProgressPayload,
  tool_completed: toolCompletedPayload,
  partial_result: partialResultPayload,
  agent_completed: agentCompletedPayload,
} as const satisfies Record<RunEventType, z.ZodType>;

export type PayloadOf<T extends RunEventType> = z.infer<(typeof payloadSchemas)[T]>;

const envelope = {
  threadId: idSchema,
  runId: idSchema,
  /** Per-thread sequence number: starts at 1, rises by exactly 1 per event. */
  seq: z.number().int().positive(),
  /** Epoch milliseconds at emit time. */
  ts: z.number().nonnegative(),
};

function eventSchema<T extends RunEventType>(type: T) {
  return z.object({ type: z.literal(type), ...envelope, payload: payloadSchemas[type] });
}

export const runEventSchema = z.discriminatedUnion('type', [
  eventSchema('agent_started'),
  eventSchema('agent_thinking'),
  eventSchema('tool_executing'),
  eventSchema('tool_progress'),
  eventSchema('tool_completed'),
  eventSchema('partial_result'),
  eventSchema('agent_completed'),
]);

export type RunEvent = z.infer<typeof runEventSchema>;

/** The event of one given type, for narrowing: `EventOf<'tool_completed'>`. */
export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

export type AgentCompletedStatus = PayloadOf<'agent_completed'>['status'];

/** True for a keep-alive event: liveness only, no progress. */
export function isKeepAlive(event: RunEvent): boolean {
  return (event.type === 'agent_thinking' || event.type === 'tool_progress') && event.payload.keepAlive === true;
}
