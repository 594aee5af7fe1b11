/**
 * Throughput as deployed: each server alone in its own process
 * (stream-servers.ts), the clients here, over loopback. Several runs stream at
 * once, unpaced (as fast as the agent emits) and at fixed rates, through our
 * full path (agent → journal → notifier → ws, checkRunLifecycle on each
 * client), bare `ws` and Socket.IO, all paced the same way and interleaved rep
 * by rep. Events/s = events delivered / (first request → last completion);
 * CPU per event = the server process's user + system time over the events;
 * each process's share of a core (CPU time over wall time) shows which one
 * is the bottleneck.
 */
import { io as connectSocketIo } from 'socket.io-client';
import WebSocket from 'ws';
import { checkRunLifecycle, type RunEvent } from '../protocol';
import { BenchClient, epochNow, eventsCovered } from './client';
import { median, progress, round } from './stats';
import { type StreamServer, type StreamServerKind, startStreamServer } from './stream-servers';

type VariantName = StreamServerKind | 'ours+validate';

interface VariantResult {
  /** Median events/s over the repetitions, all runs together. */
  eventsPerSecond: number;
  /** Each repetition's events/s. */
  reps: number[];
  /** Median server CPU time (user + system) per event delivered, in µs. */
  cpuMicrosPerEvent: number;
  /**
   * Median share of one core each process used while streaming, %: the one
   * near 100 is the bottleneck (unpaced, the client process).
   */
  coreShare: { server: number; client: number };
}

interface ModeResult {
  /** Events/s each run streams at; 0: unpaced. */
  perSecondPerRun: number;
  variants: Partial<Record<VariantName, VariantResult>>;
}

export interface ThroughputResult {
  /** Events per unpaced run (a paced run streams PACED_SECONDS' worth), and runs streaming at once. */
  events: number;
  runs: number;
  repetitions: number;
  modes: ModeResult[];
  /** Ratios of the unpaced medians: ours / bare ws and ours / Socket.IO. */
  oursVsBare: number;
  oursVsSocketIo: number;
  /** Lifecycle violations found by the clients over all of our runs (must be 0). */
  violations: number;
}

export interface ThroughputOptions {
  /** Events per run. */
  events: number;
  /** Runs streaming at once, each on its own socket (and, for ours, its own user). */
  runs: number;
  repetitions: number;
  /** Rates per run to measure at; 0 is unpaced. */
  rates: readonly number[];
  /** Also measure our path with the page's full schema check on each client. */
  withValidation: boolean;
}

interface Clients {
  name: VariantName;
  server: StreamServer;
  /** Streams `count` events on every client at once; resolves with the events delivered. */
  stream(count: number, perSecond: number): Promise<number>;
  close(): void;
}

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const servers = await Promise.all((['ours', 'bare ws', 'socket.io'] as const).map(startStreamServer));
  const [ours, bare, sio] = servers as [StreamServer, StreamServer, StreamServer];
  let violations = 0;
  const onViolations = (count: number) => {
    violations += count;
  };
  const variants: Clients[] = [];
  const modes: ModeResult[] = [];
  try {
    variants.push(await oursClients(ours, options.runs, false, onViolations));
    if (options.withValidation) variants.push(await oursClients(ours, options.runs, true, onViolations));
    variants.push(await bareClients(bare, options.runs), await socketIoClients(sio, options.runs));
    for (const variant of variants) await variant.stream(Math.min(options.events, 2_000), 0); // warm-up
    for (const perSecond of options.rates) modes.push(await measureMode(variants, options, perSecond));
  } finally {
    for (const variant of variants) variant.close();
    await Promise.all(servers.map((server) => server.close()));
  }
  const unpaced = modes.find((mode) => mode.perSecondPerRun === 0)?.variants;
  const rate = (name: VariantName) => unpaced?.[name]?.eventsPerSecond ?? Number.NaN;
  return {
    events: options.events,
    runs: options.runs,
    repetitions: options.repetitions,
    modes,
    oursVsBare: round(rate('ours') / rate('bare ws')),
    oursVsSocketIo: round(rate('ours') / rate('socket.io')),
    violations,
  };
}

/** How long each paced run streams: long enough to reach its rate, short enough to keep the bench short. */
const PACED_SECONDS = 3;

async function measureMode(variants: Clients[], options: ThroughputOptions, perSecond: number): Promise<ModeResult> {
  const count = perSecond ? Math.min(options.events, perSecond * PACED_SECONDS) : options.events;
  const samples = new Map<
    VariantName,
    { rates: number[]; cpu: number[]; serverShare: number[]; clientShare: number[] }
  >();
  for (let rep = 1; rep <= options.repetitions; rep += 1) {
    for (const variant of variants) {
      const cpuBefore = await variant.server.cpuMicros();
      const clientBefore = process.cpuUsage();
      const startedAt = epochNow();
      const delivered = await variant.stream(count, perSecond);
      const ms = epochNow() - startedAt;
      const client = process.cpuUsage(clientBefore);
      const cpu = (await variant.server.cpuMicros()) - cpuBefore;
      const sample = samples.get(variant.name) ?? { rates: [], cpu: [], serverShare: [], clientShare: [] };
      sample.rates.push((delivered / ms) * 1000);
      sample.cpu.push(cpu / delivered);
      sample.serverShare.push(cpu / 10 / ms);
      sample.clientShare.push((client.user + client.system) / 10 / ms);
      samples.set(variant.name, sample);
      const mode = perSecond ? `${options.runs} × ${perSecond}/s` : 'unpaced';
      progress('throughput', `${mode} rep ${rep} ${variant.name}: ${Math.round((delivered / ms) * 1000)} events/s`);
    }
  }
  const result: ModeResult = { perSecondPerRun: perSecond, variants: {} };
  for (const [name, { rates, cpu, serverShare, clientShare }] of samples) {
    result.variants[name] = {
      eventsPerSecond: round(median(rates)),
      reps: rates.map(round),
      cpuMicrosPerEvent: round(median(cpu)),
      coreShare: { server: round(median(serverShare)), client: round(median(clientShare)) },
    };
  }
  return result;
}

async function oursClients(
  server: StreamServer,
  runs: number,
  validate: boolean,
  onViolations: (count: number) => void,
): Promise<Clients> {
  const clients = await Promise.all(Array.from({ length: runs }, () => BenchClient.open(server.url, { validate })));
  return {
    name: validate ? 'ours+validate' : 'ours',
    server,
    async stream(count, perSecond) {
      const records = await Promise.all(
        clients.map((client) => client.run(`/scenario bench-stream count=${count} perSecond=${perSecond}`)),
      );
      let delivered = 0;
      for (const record of records) {
        // The client-side contract check is part of the measured path.
        onViolations(checkRunLifecycle(record.events).length + record.foreign);
        delivered += record.events.reduce((sum, event) => sum + eventsCovered(event), 0);
      }
      return delivered;
    },
    close: () => {
      for (const client of clients) client.close();
    },
  };
}

/** Resolves with the events a baseline run delivered, once its agent_completed arrives. */
function countRun(subscribe: (onEvent: (event: RunEvent) => void) => () => void): Promise<number> {
  return new Promise((resolve) => {
    let delivered = 0;
    const unsubscribe = subscribe((event) => {
      delivered += eventsCovered(event);
      if (event.type !== 'agent_completed') return;
      unsubscribe();
      resolve(delivered);
    });
  });
}

/** Asks every baseline client for a run at once; resolves with the events delivered, all runs together. */
async function streamOnEach<T>(
  clients: readonly T[],
  subscribe: (client: T, onEvent: (event: RunEvent) => void) => () => void,
  request: (client: T) => void,
): Promise<number> {
  const delivered = await Promise.all(
    clients.map((client) => {
      const run = countRun((onEvent) => subscribe(client, onEvent));
      request(client);
      return run;
    }),
  );
  return delivered.reduce((total, value) => total + value, 0);
}

async function bareClients(server: StreamServer, runs: number): Promise<Clients> {
  const url = server.url.replace(/^http/, 'ws');
  const sockets = await Promise.all(
    Array.from({ length: runs }, async () => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      await new Promise((resolve) => socket.once('open', resolve));
      return socket;
    }),
  );
  return {
    name: 'bare ws',
    server,
    stream: (count, perSecond) =>
      streamOnEach(
        sockets,
        (socket, onEvent) => {
          const listener = (data: WebSocket.RawData) => onEvent(JSON.parse(data.toString()) as RunEvent);
          socket.on('message', listener);
          return () => socket.off('message', listener);
        },
        (socket) => socket.send(`${count} ${perSecond}`),
      ),
    close: () => {
      for (const socket of sockets) socket.close();
    },
  };
}

async function socketIoClients(server: StreamServer, runs: number): Promise<Clients> {
  const clients = await Promise.all(
    Array.from({ length: runs }, async () => {
      const client = connectSocketIo(server.url, { transports: ['websocket'], forceNew: true });
      await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
      return client;
    }),
  );
  return {
    name: 'socket.io',
    server,
    stream: (count, perSecond) =>
      streamOnEach(
        clients,
        (client, onEvent) => {
          client.on('event', onEvent);
          return () => client.off('event', onEvent);
        },
        (client) => client.emit('go', `${count} ${perSecond}`),
      ),
    close: () => {
      for (const client of clients) client.close();
    },
  };
}
