/**
 * A lean WebSocket client of our server for the benchmarks: it signs in,
 * starts runs and records each frame with its receive time. Frames are
 * JSON-parsed (or fully validated with parseServerFrame, as the page does,
 * when `validate` is set); frames of any other run or thread are counted as
 * foreign (a cross-session leak).
 */
import WebSocket from 'ws';
import { isRunEvent, parseServerFrame, type RunEvent, type ServerMessage } from '../protocol';
import { signIn } from '../server/testing/sign-in';

/** High-resolution epoch ms, comparable with the `{now}` stamps of bench-stream within one process. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface ClientOptions {
  /** Validate each frame with the protocol's schemas (the page's edge check), not just JSON.parse. */
  validate?: boolean;
}

export interface RunRecord {
  runId: string;
  threadId: string;
  events: RunEvent[];
  /** epochNow() at each event's arrival, index-aligned with `events`. */
  receivedAt: number[];
  /** Date.now() at each event's arrival, for comparing with `ts` across processes. */
  receivedWall: number[];
  sentAt: number;
  completedAt: number;
  /** Frames that belonged to another run or thread: must stay 0. */
  foreign: number;
}

interface ActiveRun {
  clientMessageId: string;
  record: RunRecord;
  resolve(record: RunRecord): void;
  reject(error: Error): void;
}

export class BenchClient {
  readonly #socket: WebSocket;
  readonly #validate: boolean;
  #active: ActiveRun | undefined;
  #nextId = 1;
  /** Run events that arrived while no run was active (after completion): must stay 0. */
  stray = 0;

  private constructor(socket: WebSocket, options: ClientOptions) {
    this.#socket = socket;
    this.#validate = options.validate ?? false;
    socket.on('message', (data) => this.#onFrame(data.toString()));
    socket.on('close', (code) => this.#active?.reject(new Error(`socket closed (${code}) during a run`)));
  }

  /** Signs in as a new user and opens `/ws` with its token. */
  static async open(baseUrl: string, options: ClientOptions = {}): Promise<BenchClient> {
    const { token } = await signIn(baseUrl, 'bench');
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?token=${token}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new BenchClient(socket, options);
  }

  /** Sends `text` as a new thread's user message; resolves once its run's agent_completed arrives. */
  run(text: string): Promise<RunRecord> {
    if (this.#active) throw new Error('one run at a time per bench client');
    const clientMessageId = `b-${this.#nextId++}`;
    const record: RunRecord = {
      runId: '',
      threadId: '',
      events: [],
      receivedAt: [],
      receivedWall: [],
      sentAt: epochNow(),
      completedAt: 0,
      foreign: 0,
    };
    const done = new Promise<RunRecord>((resolve, reject) => {
      this.#active = { clientMessageId, record, resolve, reject };
    });
    this.#socket.send(JSON.stringify({ type: 'user_message', clientMessageId, text }));
    return done.finally(() => {
      this.#active = undefined;
    });
  }

  close(): void {
    this.#socket.close();
  }

  #onFrame(raw: string): void {
    const at = epochNow();
    const wall = Date.now();
    const message = this.#parse(raw);
    const active = this.#active;
    if (!active) {
      if (isRunEvent(message)) this.stray += 1;
      return;
    }
    const { record } = active;
    if (message.type === 'message_accepted') {
      if (message.clientMessageId === active.clientMessageId) {
        record.runId = message.runId;
        record.threadId = message.threadId;
      }
      return;
    }
    if (message.type === 'error') {
      active.reject(new Error(`server error ${message.code}: ${message.message}`));
      return;
    }
    if (message.type === 'pong') return;
    if (message.runId !== record.runId || message.threadId !== record.threadId) {
      record.foreign += 1;
      return;
    }
    record.events.push(message);
    record.receivedAt.push(at);
    record.receivedWall.push(wall);
    if (message.type === 'agent_completed') {
      record.completedAt = at;
      active.resolve(record);
    }
  }

  #parse(raw: string): ServerMessage {
    if (!this.#validate) return JSON.parse(raw) as ServerMessage;
    const parsed = parseServerFrame(raw);
    if (!parsed.ok) throw new Error(`invalid server frame: ${parsed.error.message}`);
    return parsed.value;
  }
}

/** Events a received event stands for: a coalesced partial_result covers seq coalescedFrom..seq. */
export function eventsCovered(event: RunEvent): number {
  return event.type === 'partial_result' && event.payload.coalescedFrom !== undefined
    ? event.seq - event.payload.coalescedFrom + 1
    : 1;
}

/** Emit stamps (`{i}@{now}`) carried by a delta; a coalesced delta carries several. */
export function emitStamps(delta: string): number[] {
  const stamps: number[] = [];
  for (const match of delta.matchAll(/\d+@(\d+(?:\.\d+)?)/g)) stamps.push(Number(match[1]));
  return stamps;
}
