/**
 * Frame parsing at the edge: raw text in, a typed message or a protocol error out.
 */
import type { z } from 'zod';
import { MAX_ID_LENGTH } from './events';
import {
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  clientMessageSchema,
  type ErrorMessage,
  type ServerMessage,
  serverMessageSchema,
} from './messages';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ErrorMessage };

/** One readable line per issue, e.g. `text: text must not be empty`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function fail(code: ErrorMessage['code'], message: string, clientMessageId?: string): ParseResult<never> {
  return { ok: false, error: { type: 'error', code, message, ...(clientMessageId ? { clientMessageId } : {}) } };
}

/** Parses a client frame, mapping each failure to its documented error code. */
export function parseClientFrame(raw: string): ParseResult<ClientMessage> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail('bad_json', 'frame is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('invalid_message', 'message must be a JSON object');
  }
  const { type, clientMessageId } = data as Record<string, unknown>;
  const echoId = typeof clientMessageId === 'string' ? clientMessageId.slice(0, MAX_ID_LENGTH) : undefined;
  if (typeof type !== 'string') {
    return fail('invalid_message', 'type: must be a string', echoId);
  }
  if (!(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return fail('unknown_type', `unknown message type "${type.slice(0, 100)}"`, echoId);
  }
  const parsed = clientMessageSchema.safeParse(data);
  if (!parsed.success) {
    return fail('invalid_message', describeIssues(parsed.error), echoId);
  }
  return { ok: true, value: parsed.data };
}

/** Parses a server frame on the client side; anything off-contract is an error. */
export function parseServerFrame(raw: string): ParseResult<ServerMessage> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail('bad_json', 'server frame is not valid JSON');
  }
  const parsed = serverMessageSchema.safeParse(data);
  if (!parsed.success) {
    return fail('invalid_message', describeIssues(parsed.error));
  }
  return { ok: true, value: parsed.data };
}
