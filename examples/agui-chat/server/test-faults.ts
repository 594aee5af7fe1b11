/**
 * TEST-ONLY stream faults, so the e2e suite can show the harness naming real
 * AG-UI bugs: a run with no terminal event (ag-ui#2416), a tool call that
 * never ends (CopilotKit#1982), a message replayed after a resume, and
 * RUN_FINISHED after RUN_ERROR (ag-ui#1892). Off unless the server starts with
 * AGUI_TEST_FAULTS=1; then a request picks one with the `x-test-fault` header.
 * Nothing else in the app knows about them.
 */
import { type BaseEvent, EventType } from '@ag-ui/core';

const TEST_FAULTS = ['no-terminal', 'tool-never-ends', 'replay-message', 'finish-after-error'] as const;
export type TestFault = (typeof TEST_FAULTS)[number];

export const TEST_FAULT_HEADER = 'x-test-fault';

/** The fault a request asks for, when faults are on at all. */
export function testFaultOf(header: string | undefined, enabled: boolean): TestFault | undefined {
  if (!enabled || header === undefined) return undefined;
  return TEST_FAULTS.find((fault) => fault === header);
}

/** The agent's events, broken the way `fault` says (or untouched without one). */
export async function* withTestFault(events: AsyncIterable<BaseEvent>, fault?: TestFault): AsyncGenerator<BaseEvent> {
  if (!fault) {
    yield* events;
    return;
  }
  let runStarted: BaseEvent | undefined;
  let stuckCall: string | undefined;
  let replay: BaseEvent[] | undefined;
  let replayed = false;
  for await (const event of events) {
    if (event.type === EventType.RUN_STARTED) runStarted = event;
    if (fault === 'no-terminal' && event.type === EventType.RUN_FINISHED) continue;
    if (fault === 'tool-never-ends') {
      if (event.type === EventType.TOOL_CALL_START) stuckCall ??= String(event.toolCallId);
      const ends = event.type === EventType.TOOL_CALL_END || event.type === EventType.TOOL_CALL_RESULT;
      if (ends && event.toolCallId === stuckCall) continue;
    }
    if (fault === 'replay-message' && !replayed) {
      // As a server that resumed from a checkpoint taken before the first message: it streams it again, same id.
      if (event.type === EventType.TEXT_MESSAGE_START) replay = [];
      replay?.push(event);
      if (event.type === EventType.TEXT_MESSAGE_END && replay) {
        replayed = true;
        yield event;
        yield* replay;
        continue;
      }
    }
    yield event;
    if (fault === 'finish-after-error' && event.type === EventType.RUN_ERROR && runStarted) {
      // The unconditional "finally: send RUN_FINISHED" of a server that already reported the error.
      yield { type: EventType.RUN_FINISHED, threadId: runStarted.threadId, runId: runStarted.runId };
    }
  }
}
