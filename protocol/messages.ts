/**
 * Control messages: what a client sends, and the server's non-event replies.
 */
import { z } from 'zod';
import { idSchema, type RunEvent, runEventSchema } from './events';

/** Largest accepted client frame; bigger frames close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** Longest accepted user message text, in characters. */
export const MAX_USER_TEXT_LENGTH = 16_000;

const userMessageSchema = z.strictObject({
  type: z.literal('user_message'),
  clientMessageId: idSchema,
  threadId: idSchema.optional(),
  text: z.string().trim().min(1, 'text must not be empty').max(MAX_USER_TEXT_LENGTH),
});

const cancelSchema = z.strictObject({
  type: z.literal('cancel'),
  runId: idSchema,
  /** Echoed in an error reply (e.g. `not_found` for a run that is no longer running). */
  clientMessageId: idSchema.optional(),
});

const resumeSchema = z.strictObject({
  type: z.literal('resume'),
  threadId: idSchema,
  /** Replay events with seq greater than this (0: the whole thread), then go live. */
  afterSeq: z.number().int().nonnegative(),
  /** Echoed in an error reply, so the client can tell which request failed. */
  clientMessageId: idSchema.optional(),
});

/**
 * A liveness probe: the server answers `pong` at once. A client that hears
 * nothing during a run can tell a dead connection (no pong) from a silent run.
 */
const pingSchema = z.strictObject({
  type: z.literal('ping'),
  clientMessageId: idSchema.optional(),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  userMessageSchema,
  cancelSchema,
  resumeSchema,
  pingSchema,
]);

export type UserMessage = z.infer<typeof userMessageSchema>;
export type CancelMessage = z.infer<typeof cancelSchema>;
export type ResumeMessage = z.infer<typeof resumeSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export const CLIENT_MESSAGE_TYPES = [
  'user_message',
  'cancel',
  'resume',
  'ping',
] as const satisfies readonly ClientMessageType[];

/**
 * Error codes sent as `{type: "error", code, message}`. The socket stays open.
 * - `bad_json`: the frame is not valid JSON text.
 * - `invalid_message`: valid JSON, but not a valid message; `message` says why.
 * - `unknown_type`: `type` names no client message.
 * - `not_found`: the thread or run named does not exist (or has ended, for cancel).
 * - `thread_busy`: the thread already has a run in progress.
 * - `unavailable`: the server takes no new runs now (shutting down, or it cannot
 *   record events, e.g. a full disk); with `runId`, that run has failed for this reason.
 * - `rate_limited`: too many messages, or too many runs at once; retry later.
 * - `forbidden`: the thread or run belongs to another user.
 * - `internal_error`: the server failed to handle the message; it keeps serving.
 */
export const ERROR_CODES = [
  'bad_json',
  'invalid_message',
  'unknown_type',
  'not_found',
  'thread_busy',
  'unavailable',
  'rate_limited',
  'forbidden',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const messageAcceptedSchema = z.object({
  type: z.literal('message_accepted'),
  clientMessageId: idSchema,
  threadId: idSchema,
  runId: idSchema,
});

const errorMessageSchema = z.object({
  type: z.literal('error'),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Echoed when the failing message carried one, so a client can match it. */
  clientMessageId: z.string().optional(),
  /** The run this error ends or concerns, when there is one. */
  runId: idSchema.optional(),
});

const pongSchema = z.object({
  type: z.literal('pong'),
  /** The ping's, when it carried one. */
  clientMessageId: z.string().optional(),
});

export const serverMessageSchema = z.union([runEventSchema, messageAcceptedSchema, errorMessageSchema, pongSchema]);

export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Whether a server message is a run event (the only kind with a seq), not an ack, error or pong. */
export function isRunEvent(message: object): message is RunEvent {
  return 'seq' in message;
}

/** WebSocket close codes the server uses. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  /** A frame exceeded MAX_CLIENT_FRAME_BYTES. */
  messageTooBig: 1009,
  /** The server failed midway through something it owed this socket (a resume's replay): reconnect and resume. */
  internalError: 1011,
} as const;
