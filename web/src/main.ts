/**
 * Entry point of the chat page: wires the socket, the reducer, the render
 * scheduler, the liveness clock, the composer and the test hook together.
 */
import './styles.css';
import { isRunEvent } from '../../protocol';
import { CommandPalette } from './command-palette';
import { bindComposer } from './composer';
import { chatSocketUrl, connectChat } from './connection';
import { type LivenessSettings, livenessSettingsFrom } from './liveness';
import { NO_PAGE_FAULTS, type PageFaults, readPageFaults } from './page-faults';
import { createChatRenderer, findChatShell } from './render';
import { RenderLagRecorder } from './render-lag';
import { createRenderScheduler, isUrgentChatAction } from './scheduler';
import { ensureSession } from './session';
import { stallTimeoutFrom, startStallWatchdog } from './stall-watchdog';
import { activeTurn, type ChatAction, type ChatState, canSend, initialState, reduce } from './state';
import { installChatHarness } from './test-hook';
import { ThreadListView } from './thread-list';
import { storedThread, storeThread } from './thread-storage';

/** How often elapsed times and liveness are brought up to date while a turn is active. */
const LIVENESS_TICK_MS = 500;

// Only a harness build can break its own page on purpose; in production this is compiled out.
const faults: PageFaults = import.meta.env.VITE_PAGE_FAULTS === '1' ? readPageFaults(window) : NO_PAGE_FAULTS;

function livenessSettings(): LivenessSettings {
  const settings = livenessSettingsFrom(location.search);
  return {
    quietAfterMs: faults.has('no-quiet-notice') ? Number.POSITIVE_INFINITY : settings.quietAfterMs,
    stuckAfterMs: faults.has('no-stuck-state') ? Number.POSITIVE_INFINITY : settings.stuckAfterMs,
    stopTimeoutMs: faults.has('stop-never-settles') ? Number.POSITIVE_INFINITY : settings.stopTimeoutMs,
  };
}

const shell = findChatShell(document);
const renderLag = new RenderLagRecorder();
const renderChat = createChatRenderer(shell, document.body, faults);
const scheduler = createRenderScheduler<ChatState, ChatAction>({
  initialState: { ...initialState, now: Date.now(), liveness: livenessSettings() },
  reduce: (state, action) => reduce(state, action, Date.now()),
  render: (state) => {
    renderLag.committing();
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

function dispatch(action: ChatAction): void {
  const before = scheduler.getState();
  scheduler.dispatch(action);
  const after = scheduler.getState();
  // Hand the keyboard back once the answer is complete.
  if (activeTurn(before) !== undefined && activeTurn(after) === undefined) shell.textbox.focus({ preventScroll: true });
  if (after.threadId !== before.threadId) storeThread(sessionStorage, after.threadId);
}

const restored = storedThread(sessionStorage);
if (restored) dispatch({ type: 'local/restore', threadId: restored });

/** After every (re)connect: replay what this page has not seen, then follow the thread live. */
function resumeThread(): void {
  const { threadId, lastSeq } = scheduler.getState();
  if (!threadId) return;
  const clientMessageId = crypto.randomUUID();
  if (connection.send({ type: 'resume', threadId, afterSeq: lastSeq, clientMessageId })) {
    dispatch({ type: 'local/resume', clientMessageId });
  }
}

/** With the `stop-never-settles` fault the page ignores the server's answer to a Stop. */
function isIgnoredStopReply(action: ChatAction): boolean {
  if (!faults.has('stop-never-settles') || action.type !== 'error' || !action.clientMessageId) return false;
  return activeTurn(scheduler.getState())?.cancelId === action.clientMessageId;
}

// The socket upgrade needs the session cookie; a failure here shows as a connection that keeps retrying.
const session = await ensureSession().catch(() => undefined);
// Refused outright (guests off, too many new sessions): say so, or the page would reconnect in silence.
if (session && !session.ok && session.status >= 400 && session.status < 500) {
  const code = session.status === 429 ? 'rate_limited' : 'forbidden';
  dispatch({ type: 'error', code, message: `Cannot sign in: ${session.message}` });
}

const stallTimeoutMs = stallTimeoutFrom(location.search);
const watchdog = startStallWatchdog({
  timeoutMs: stallTimeoutMs,
  // A message waiting for acceptance is watched too: a dead socket must not leave it "Sending…".
  isWatching: () => scheduler.getState().connection === 'open' && activeTurn(scheduler.getState()) !== undefined,
  onQuiet: () => connection.send({ type: 'ping' }),
  // Dropping shows "Connection lost, reconnecting…" at once; the reconnect resumes from the last seq.
  onStall: () => (faults.has('stall-waits-for-close') ? connection.reconnect() : connection.drop()),
});

const connection = connectChat({
  url: chatSocketUrl(location),
  connectTimeoutMs: stallTimeoutMs,
  onMessage: (message) => {
    watchdog.frameReceived();
    if (isRunEvent(message)) renderLag.arrived(message);
    if (!isIgnoredStopReply(message)) dispatch(message);
    if (message.type === 'message_accepted') stopIfLeft(message.runId, message.clientMessageId);
  },
  onInvalidFrame: (error) =>
    dispatch({ ...error, message: `Ignored an invalid frame from the server: ${error.message}` }),
  onStatus: (status) => {
    dispatch({ type: 'local/connection', status });
    if (status === 'open') {
      watchdog.frameReceived();
      resumeThread();
    }
    // A session that expired (or a server that restarted with a new secret) is renewed before the retry.
    if (status === 'closed') void ensureSession().catch(() => false);
  },
});

/** A message left with New chat before it was accepted: its run is stopped, and nobody waits for the answer. */
function stopIfLeft(runId: string, clientMessageId: string): void {
  if (!scheduler.getState().leftMessages.includes(clientMessageId)) return;
  const cancelId = crypto.randomUUID();
  if (connection.send({ type: 'cancel', runId, clientMessageId: cancelId })) {
    dispatch({ type: 'local/ignore-reply', clientMessageId: cancelId });
  }
}

function stopActiveRun(): string | undefined {
  const runId = activeTurn(scheduler.getState())?.runId;
  const clientMessageId = crypto.randomUUID();
  if (runId === undefined || !connection.send({ type: 'cancel', runId, clientMessageId })) return undefined;
  dispatch({ type: 'local/cancel', runId, clientMessageId });
  return clientMessageId;
}

function sendMessage(text: string): boolean {
  const state = scheduler.getState();
  if (!canSend(state)) return false;
  const clientMessageId = crypto.randomUUID();
  const { threadId } = state;
  if (!connection.send({ type: 'user_message', clientMessageId, text, ...(threadId ? { threadId } : {}) })) {
    return false;
  }
  dispatch({ type: 'local/send', clientMessageId, text });
  return true;
}

bindComposer(
  shell,
  {
    onSubmit: sendMessage,
    onRetry(clientMessageId) {
      const turn = scheduler.getState().turns.find((candidate) => candidate.clientMessageId === clientMessageId);
      if (turn) sendMessage(turn.userText);
    },
    onStop: stopActiveRun,
    onNewChat() {
      const left = scheduler.getState().threadId;
      // The run left behind is stopped, so it does not hold the user's run slots; its answer is not awaited.
      dispatch({ type: 'local/new-chat', cancelId: stopActiveRun() });
      if (faults.has('new-chat-keeps-thread') && left) dispatch({ type: 'local/restore', threadId: left });
    },
  },
  {
    escapeStops: !faults.has('escape-ignored'),
    palette: new CommandPalette(shell.textbox, shell.palette),
  },
);

new ThreadListView(shell.threadsToggle, shell.threads, {
  load: () => fetch('/api/threads', { credentials: 'same-origin' }).then((response) => response.json()),
  current: () => scheduler.getState().threadId,
  pick(threadId) {
    // The run left behind is stopped, as with New chat. A socket replays a thread once, so the picked one
    // is replayed from its start on a fresh socket (the reconnect resumes it).
    dispatch({ type: 'local/new-chat', cancelId: stopActiveRun() });
    dispatch({ type: 'local/restore', threadId, switching: true });
    connection.reconnect();
  },
  focusAfterPick: () => shell.textbox.focus(),
});

setInterval(() => {
  if (activeTurn(scheduler.getState())) dispatch({ type: 'local/tick' });
}, LIVENESS_TICK_MS);

installChatHarness(window, {
  getState: scheduler.getState,
  connectionStats: connection.stats,
  renderStats: scheduler.stats,
  renderLag,
});

scheduler.flush();
