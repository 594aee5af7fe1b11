/**
 * Entry point of the chat page: wires the socket, the reducer, the render
 * scheduler, the composer and the test hook together.
 */
import './styles.css';
import { bindComposer } from './composer';
import { chatSocketUrl, connectChat } from './connection';
import { createChatRenderer, findChatShell } from './render';
import { createRenderScheduler, isUrgentChatAction } from './scheduler';
import { activeTurn, type ChatAction, type ChatState, canSend, initialState, reduce } from './state';
import { installChatHarness } from './test-hook';

const shell = findChatShell(document);
const scheduler = createRenderScheduler<ChatState, ChatAction>({
  initialState,
  reduce,
  render: createChatRenderer(shell, document.body),
  isUrgent: isUrgentChatAction,
  clock: {
    requestFrame: (callback) => requestAnimationFrame(() => callback()),
    cancelFrame: (handle) => cancelAnimationFrame(handle),
    now: () => Date.now(),
  },
});

function dispatch(action: ChatAction): void {
  const wasActive = activeTurn(scheduler.getState()) !== undefined;
  scheduler.dispatch(action);
  // Hand the keyboard back once the answer is complete.
  if (wasActive && activeTurn(scheduler.getState()) === undefined) shell.textbox.focus({ preventScroll: true });
}

const connection = connectChat({
  url: chatSocketUrl(location),
  onMessage: dispatch,
  onInvalidFrame: (error) =>
    dispatch({ ...error, message: `Ignored an invalid frame from the server: ${error.message}` }),
  onStatus: (status) => dispatch({ type: 'local/connection', status }),
});

bindComposer(shell, {
  onSubmit(text) {
    const state = scheduler.getState();
    if (!canSend(state)) return false;
    const clientMessageId = crypto.randomUUID();
    const { threadId } = state;
    if (!connection.send({ type: 'user_message', clientMessageId, text, ...(threadId ? { threadId } : {}) })) {
      return false;
    }
    dispatch({ type: 'local/send', clientMessageId, text });
    return true;
  },
  onStop() {
    const runId = activeTurn(scheduler.getState())?.runId;
    if (runId === undefined || !connection.send({ type: 'cancel', runId })) return;
    dispatch({ type: 'local/cancel', runId });
  },
});

installChatHarness(window, {
  getState: scheduler.getState,
  connectionStats: connection.stats,
  renderStats: scheduler.stats,
});

scheduler.flush();
