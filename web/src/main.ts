/**
 * Entry point of the chat page: wires the socket, the reducer, the render
 * scheduler, the composer and the test hook together.
 */
import './styles.css';
import { bindComposer } from './composer';
import { chatSocketUrl, connectChat } from './connection';
import { createChatRenderer, findChatShell } from './render';
import { RenderLagRecorder } from './render-lag';
import { createRenderScheduler, isUrgentChatAction } from './scheduler';
import { ensureSession } from './session';
import { stallTimeoutFrom, startStallWatchdog } from './stall-watchdog';
import { activeTurn, type ChatAction, type ChatState, canSend, initialState, reduce } from './state';
import { installChatHarness } from './test-hook';

const shell = findChatShell(document);
const renderLag = new RenderLagRecorder();
const renderChat = createChatRenderer(shell, document.body);
const scheduler = createRenderScheduler<ChatState, ChatAction>({
  initialState,
  reduce,
  render: (state) => {
    renderChat(state);
    renderLag.committed();
  },
  isUrgent: isUrgentChatAction,
  clock: {
    requestFrame: (callback) => requestAnimationFrame(() => callback()),
    cancelFrame: (handle) => cancelAnimationFrame(handle),
    now: () => Date.now(),
  },
});

/** The tab's thread survives a reload, so the page can show its history again. */
const THREAD_KEY = 'agent-chat.threadId';

function dispatch(action: ChatAction): void {
  const before = scheduler.getState();
  scheduler.dispatch(action);
  const after = scheduler.getState();
  // Hand the keyboard back once the answer is complete.
  if (activeTurn(before) !== undefined && activeTurn(after) === undefined) shell.textbox.focus({ preventScroll: true });
  if (after.threadId !== before.threadId) {
    if (after.threadId) sessionStorage.setItem(THREAD_KEY, after.threadId);
    else sessionStorage.removeItem(THREAD_KEY);
  }
}

const storedThread = sessionStorage.getItem(THREAD_KEY);
if (storedThread) dispatch({ type: 'local/restore', threadId: storedThread });

/** After every (re)connect: replay what this page has not seen, then follow the thread live. */
function resumeThread(): void {
  const { threadId, lastSeq } = scheduler.getState();
  if (!threadId) return;
  const clientMessageId = crypto.randomUUID();
  if (connection.send({ type: 'resume', threadId, afterSeq: lastSeq, clientMessageId })) {
    dispatch({ type: 'local/resume', clientMessageId });
  }
}

// The socket upgrade needs the session cookie; a failure here shows as a connection that keeps retrying.
await ensureSession().catch(() => false);

const watchdog = startStallWatchdog({
  timeoutMs: stallTimeoutFrom(location.search),
  isWatching: () => {
    const state = scheduler.getState();
    return state.connection === 'open' && activeTurn(state)?.state === 'running';
  },
  // Closing shows "Connection lost, reconnecting…"; the reconnect resumes from the last seq.
  onStall: () => connection.reconnect(),
});

const connection = connectChat({
  url: chatSocketUrl(location),
  onMessage: (message) => {
    watchdog.frameReceived();
    if ('seq' in message) renderLag.arrived(message);
    dispatch(message);
  },
  onInvalidFrame: (error) =>
    dispatch({ ...error, message: `Ignored an invalid frame from the server: ${error.message}` }),
  onStatus: (status) => {
    dispatch({ type: 'local/connection', status });
    if (status === 'open') resumeThread();
    // A session that expired (or a server that restarted with a new secret) is renewed before the retry.
    if (status === 'closed') void ensureSession().catch(() => false);
  },
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
  renderLag,
});

scheduler.flush();
