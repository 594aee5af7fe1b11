/**
 * The harness for this page: the AI SDK adapter, and the UI map (the page's
 * own markup: each assistant message is an `li.message.assistant`, its parts
 * drawn inside; the status line shows while useChat is busy).
 */
import { aiSdkProtocol, createHarness, type UiMap } from '@agent-event-harness/playwright';

const ui: UiMap = {
  turn: 'li.message.assistant',
  answer: '.text',
  thought: '.reasoning > p',
  toolCall: '.tool',
  toolName: '.tool-name',
  toolArgs: '.tool-input',
  // The page names a tool part's state (the SDK's) in its class.
  toolState: {
    selectors: {
      running: '.input-streaming, .input-available',
      success: '.output-available',
      error: '.output-error, .output-denied',
    },
  },
  busy: '.status',
  composer: { input: 'input[aria-label="Message"]', send: 'button[type="submit"]', stop: 'button.stop' },
};

export const { test, expect } = createHarness({ protocol: aiSdkProtocol(), ui });
