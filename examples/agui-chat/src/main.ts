/**
 * The chat page: an AG-UI `HttpAgent` on the server's `/api/agui`, and a
 * subscriber per run that draws what the agent streams (AG-UI docs,
 * "AgentSubscriber"). The agent keeps the thread's messages, so each run sends
 * the whole conversation, tool calls and results included.
 */
import { type AgentSubscriber, HttpAgent } from '@ag-ui/client';
import { contentToText } from '@ag-ui/core';
import { type AssistantTurn, ConversationView } from './chat-view';

const agent = new HttpAgent({ url: '/api/agui' });

function required<T extends Element>(selector: string): T {
  const node = document.querySelector<T>(selector);
  if (!node) throw new Error(`the page has no ${selector}`);
  return node;
}

const form = required<HTMLFormElement>('form.composer');
const input = required<HTMLTextAreaElement>('textarea[name="message"]');
const send = required<HTMLButtonElement>('button[type="submit"]');
const stop = required<HTMLButtonElement>('button.stop');
const view = new ConversationView(required<HTMLOListElement>('ol.messages'));

/** The client hands a content event the text so far *before* its delta; the delta completes it. */
function subscriberFor(turn: AssistantTurn): AgentSubscriber {
  return {
    onReasoningMessageContentEvent: ({ event, reasoningMessageBuffer }) => {
      turn.showThought(event.messageId, reasoningMessageBuffer + event.delta);
    },
    onTextMessageContentEvent: ({ event, textMessageBuffer }) => {
      turn.showText(event.messageId, textMessageBuffer + event.delta);
    },
    onToolCallStartEvent: ({ event }) => {
      turn.startToolCall(event.toolCallId, event.toolCallName);
    },
    onToolCallArgsEvent: ({ event, toolCallBuffer }) => {
      turn.showToolArgs(event.toolCallId, toolCallBuffer + event.delta);
    },
    onToolCallEndEvent: ({ event, toolCallArgs }) => {
      turn.showToolArgs(event.toolCallId, JSON.stringify(toolCallArgs));
    },
    onToolCallResultEvent: ({ event }) => {
      turn.finishToolCall(event.toolCallId, contentToText(event.content));
    },
    onRunFinishedEvent: () => {
      turn.finish();
    },
    onRunErrorEvent: ({ event }) => {
      // Stop aborts the request; the client reports that as a RUN_ERROR with code "abort".
      if (event.code === 'abort') turn.stop();
      else turn.fail(event.message);
    },
    onRunFailed: ({ error }) => {
      turn.fail(error.message);
    },
  };
}

function setRunning(running: boolean): void {
  send.disabled = running;
  stop.hidden = !running;
}

async function sendMessage(text: string): Promise<void> {
  if (!text || agent.isRunning) return;
  input.value = '';
  view.addUserMessage(text);
  agent.addMessage({ id: crypto.randomUUID(), role: 'user', content: text });
  const turn = view.addAssistantTurn();
  setRunning(true);
  try {
    await agent.runAgent({}, subscriberFor(turn));
    turn.finish();
  } catch (error) {
    turn.fail(error instanceof Error ? error.message : String(error));
  } finally {
    setRunning(false);
    input.focus();
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void sendMessage(input.value.trim());
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});
stop.addEventListener('click', () => {
  agent.abortRun();
});
