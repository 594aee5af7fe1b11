/**
 * A WebSocket client for server tests: collects every server message and
 * waits on conditions (never on time).
 */
import WebSocket from 'ws';
import { type ClientMessage, isRunEvent, type RunEvent, type ServerMessage, serverMessageSchema } from '../../protocol';
import { signIn } from './sign-in';

export interface CloseInfo {
  code: number;
  reason: string;
}

export class WsTestClient {
  readonly messages: ServerMessage[] = [];
  readonly socket: WebSocket;
  closed: CloseInfo | undefined;
  #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      // Validate: a server frame off the contract is a test failure, not something to tolerate.
      this.messages.push(serverMessageSchema.parse(JSON.parse(data.toString())));
      this.#wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WsTestClient> {
    const socket = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsTestClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`upgrade refused: ${response.statusCode}`));
      });
    });
  }

  /** Opens a session as a new user; returns its token (pass it as `?token=`) and user id. */
  static readonly signIn = signIn;

  /** Signs in as a new user (or uses `token`) and connects to `${baseUrl}/ws`. */
  static async connectAs(baseUrl: string, token?: string, options?: WebSocket.ClientOptions): Promise<WsTestClient> {
    const sessionToken = token ?? (await WsTestClient.signIn(baseUrl)).token;
    return WsTestClient.connect(`${baseUrl.replace(/^http/, 'ws')}/ws?token=${sessionToken}`, options);
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Run events received so far, optionally for one run. */
  events(runId?: string): RunEvent[] {
    return this.messages.filter(
      (message): message is RunEvent => isRunEvent(message) && (runId === undefined || message.runId === runId),
    );
  }

  /** Resolves with the first message (from `from` on) that matches. */
  async next<T extends ServerMessage>(predicate: (message: ServerMessage) => message is T, from?: number): Promise<T>;
  async next(predicate: (message: ServerMessage) => boolean, from?: number): Promise<ServerMessage>;
  async next(predicate: (message: ServerMessage) => boolean, from = 0): Promise<ServerMessage> {
    // Scans each message once: a replay of 100,000 events must not cost 100,000² checks.
    let index = from;
    await this.until(() => {
      for (; index < this.messages.length; index += 1)
        if (predicate(this.messages[index] as ServerMessage)) return true;
      return false;
    });
    return this.messages[index] as ServerMessage;
  }

  /** Sends a user message and resolves once its run has completed. */
  async runToCompletion(
    text: string,
    threadId?: string,
  ): Promise<{ runId: string; threadId: string; events: RunEvent[] }> {
    const clientMessageId = `c-${Math.random().toString(36).slice(2)}`;
    const from = this.messages.length;
    this.send({ type: 'user_message', clientMessageId, text, ...(threadId ? { threadId } : {}) });
    const reply = await this.next(
      (m) => (m.type === 'message_accepted' || m.type === 'error') && m.clientMessageId === clientMessageId,
      from,
    );
    if (reply.type !== 'message_accepted') throw new Error(`message rejected: ${JSON.stringify(reply)}`);
    await this.next((m) => m.type === 'agent_completed' && m.runId === reply.runId, from);
    return { runId: reply.runId, threadId: reply.threadId, events: this.events(reply.runId) };
  }

  /** Waits until `condition()` holds, re-checking on every message or close. */
  until(condition: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition()) return resolve();
        if (this.closed) return reject(new Error(`socket closed (${this.closed.code}) before the condition held`));
        this.#waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    this.socket.close();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}
