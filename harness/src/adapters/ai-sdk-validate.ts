/**
 * Checks UI message streams with the `ai` package's own code, synchronously,
 * for `ProtocolAdapter.read`: each chunk with `uiMessageChunkSchema`, and
 * each stream's valid chunks with `readUIMessageStream`, which builds the
 * message as `useChat` does and says where it cannot. Both are async (zod's
 * safeParseAsync, a ReadableStream), and the schema's `jsonSchema` cannot be
 * built (the `data-*` chunk is a zod custom type), so they run in a worker
 * thread that loads `ai`, and the caller blocks on an Atomics wait until it
 * answers: the package's exact rules, never a copy of them. Answers are
 * cached by frame text, and by a hash of a stream's chunks.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** A zod issue as the worker sends it back (plain data). */
interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
  errors?: Issue[][];
}

/** `null`: valid; a string: why the validator could not run; issues: why the chunk is invalid. */
type Verdict = null | string | Issue[];

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let ai;
let schema;
let loadError;
try {
  ai = require(workerData.ai);
  schema = ai.uiMessageChunkSchema();
} catch (error) {
  loadError = 'cannot load the ai package: ' + (error && error.message);
}
async function validate(value) {
  try {
    const result = await schema.validate(value);
    return result.success ? null : JSON.parse(JSON.stringify(result.error.issues));
  } catch (error) {
    return 'the validator failed: ' + (error && error.message);
  }
}
// Why readUIMessageStream could not build the message from these chunks, or null. An error chunk
// reaches onError too: that is the stream's own ending, not a failure to read it.
async function read(chunks) {
  const endings = new Set(chunks.filter((chunk) => chunk.type === 'error').map((chunk) => chunk.errorText));
  let failure = null;
  const onError = (error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (!endings.has(message)) failure = failure || message;
  };
  const stream = new ReadableStream({ start(controller) { for (const chunk of chunks) controller.enqueue(chunk); controller.close(); } });
  try {
    for await (const _ of ai.readUIMessageStream({ stream, onError })) {}
  } catch (error) {
    onError(error);
  }
  return failure;
}
parentPort.on('message', async ({ signal, port, job, values }) => {
  const verdicts = [];
  for (const value of values) verdicts.push(loadError || (await (job === 'read' ? read(value) : validate(value))));
  port.postMessage(verdicts);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});`;

/** Long enough for a cold start (loading `ai` takes ~0.3 s), short enough to fail a test rather than hang it. */
const ANSWER_TIMEOUT_MS = 15_000;
/** The cache is dropped when it grows past this many frames (a long suite in one worker). */
const CACHE_LIMIT = 20_000;

let worker: Worker | undefined;
const cache = new Map<string, string | null>();
const readCache = new Map<string, string | null>();

/** For each frame's text: `undefined` when it is a valid chunk, else why not. */
export function validateChunks(texts: readonly string[]): (string | undefined)[] {
  // Dropped before this call's texts are looked up, never between the lookup and the answer.
  if (cache.size > CACHE_LIMIT) cache.clear();
  const values = new Map<string, unknown>();
  for (const text of texts) {
    if (cache.has(text) || values.has(text)) continue;
    try {
      values.set(text, JSON.parse(text));
    } catch {
      cache.set(text, 'not JSON');
    }
  }
  if (values.size > 0) {
    const verdicts = ask('validate', [...values.values()]);
    [...values.keys()].forEach((text, i) => {
      cache.set(text, reasonOf(verdicts[i] ?? null, values.get(text)));
    });
  }
  return texts.map((text) => cache.get(text) ?? undefined);
}

/**
 * For each stream's valid chunks, in order: `undefined` when `readUIMessageStream`
 * builds the message from them, else the error it stopped on.
 */
export function readStreams(streams: readonly (readonly string[])[]): (string | undefined)[] {
  if (readCache.size > CACHE_LIMIT) readCache.clear();
  const keys = streams.map((texts) => createHash('sha1').update(texts.join('\n')).digest('hex'));
  const missing = new Map<string, unknown[]>();
  streams.forEach((texts, i) => {
    const key = keys[i] as string;
    if (!readCache.has(key))
      missing.set(
        key,
        texts.map((text) => JSON.parse(text) as unknown),
      );
  });
  if (missing.size > 0) {
    const verdicts = ask('read', [...missing.values()]);
    [...missing.keys()].forEach((key, i) => {
      readCache.set(key, (verdicts[i] as string | null | undefined) ?? null);
    });
  }
  return keys.map((key) => readCache.get(key) ?? undefined);
}

function ask(job: 'validate' | 'read', values: unknown[]): Verdict[] {
  worker ??= startWorker();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    worker.postMessage({ signal, port: port2, job, values }, [port2]);
    if (Atomics.wait(signal, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`the ai package's chunk validator did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
    }
    const answer = receiveMessageOnPort(port1);
    if (!answer) throw new Error("the ai package's chunk validator answered nothing");
    return answer.message as Verdict[];
  } finally {
    port1.close();
  }
}

function startWorker(): Worker {
  const ai = createRequire(import.meta.url).resolve('ai');
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { ai } });
  // The worker must not keep a test process alive.
  started.unref();
  return started;
}

/** A readable reason: the issues of the union branch for the chunk's own `type`. */
function reasonOf(verdict: Verdict, value: unknown): string | null {
  if (verdict === null || typeof verdict === 'string') return verdict;
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (typeof type !== 'string') return 'no string "type"';
  const branches = verdict.flatMap((issue) => issue.errors ?? [[issue]]);
  // The branch for this type is the one whose `type` field did not fail.
  const own = branches.filter((issues) => !issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'type'));
  if (own.length === 0) return `unknown chunk type "${type}"`;
  const issues = own.flat().map((issue) => `${issue.path.join('.') || '(chunk)'}: ${issue.message}`);
  return `${type}: ${[...new Set(issues)].join('; ')}`;
}
