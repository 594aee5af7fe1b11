/** The AI SDK adapter's violation codes, kept free of imports so they can be shipped on their own. */
/** The codes of the stream's own rules; the lifecycle checker's codes come on top. */
export const AI_SDK_VIOLATION_CODES = [
  /** A frame that is not a UI message chunk (`uiMessageChunkSchema` refused it). */
  'invalid',
  /** A message, part or tool call the stream sends again (a replay, or the resume duplicate). */
  'duplicate_message',
  /** A chunk before the chunk that opens its part or tool call. */
  'chunk_out_of_order',
  /** A stream that ends without `finish`, `error` or `abort`. */
  'run_not_terminated',
  /** A tool input without an output or an output error before the run ends. */
  'tool_not_completed',
  /** Anything after the run's ending, or after `[DONE]`. */
  'event_after_completed',
  /** A second ending. */
  'duplicate_agent_completed',
  /** The SDK's own `readUIMessageStream` could not build the message from the stream (it names the chunk). */
  'read_ui_message_stream',
] as const;
export type AiSdkViolationCode = (typeof AI_SDK_VIOLATION_CODES)[number];
