/**
 * This project's own protocol: JSON run events over a WebSocket (`/ws`),
 * validated against the shared zod schemas and checked with the shared
 * lifecycle checker. Only the page's newest socket counts (a page gives up on
 * an old one when it reconnects), and an event a resume sends again, identical
 * to one an earlier socket brought, counts once, as the protocol intends.
 */
import { checkRunLifecycle, isRunEvent, type RunEvent, serverMessageSchema } from '../../../protocol';
import type { AdapterResult, CapturedFrame, ProtocolAdapter } from './adapter';

export interface OurProtocolOptions {
  /** Which WebSocket URLs carry the protocol. @default /\/ws(\?|$)/ */
  url?: RegExp;
}

export function ourProtocol(options: OurProtocolOptions = {}): ProtocolAdapter {
  const url = options.url ?? /\/ws(\?|$)/;
  return {
    name: 'agent-events',
    accepts: (frame) => frame.transport === 'websocket' && url.test(frame.url),
    read: readFrames,
  };
}

function readFrames(frames: readonly CapturedFrame[]): AdapterResult {
  const events: RunEvent[] = [];
  const arrivals: number[] = [];
  const invalid: AdapterResult['invalid'] = [];
  const seen = new Map<string, { channel: number; data: string }>();
  let newest = 0;
  for (const frame of frames) {
    newest = Math.max(newest, frame.channel);
    if (frame.channel < newest) continue;
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      invalid.push({ frame, reason: 'not JSON' });
      continue;
    }
    const parsed = serverMessageSchema.safeParse(data);
    if (!parsed.success) {
      invalid.push({ frame, reason: parsed.error.issues.map((issue) => issue.message).join('; ') });
      continue;
    }
    const message = parsed.data;
    if (!isRunEvent(message)) continue;
    const key = `${message.threadId}:${message.seq}`;
    const earlier = seen.get(key);
    if (earlier && earlier.channel < frame.channel && earlier.data === frame.data) continue; // a resume's re-send
    if (!earlier) seen.set(key, { channel: frame.channel, data: frame.data });
    events.push(message);
    arrivals.push(frame.at);
  }
  const violations = checkRunLifecycle(events).map(({ code, message, runId, toolCallId }) => ({
    code,
    message,
    ...(runId ? { runId } : {}),
    ...(toolCallId ? { toolCallId } : {}),
  }));
  return { events, arrivals, violations, invalid };
}
