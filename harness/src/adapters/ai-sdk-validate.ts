/**
 * Validates UI message stream chunks with the `ai` package's own
 * `uiMessageChunkSchema`, synchronously, for `ProtocolAdapter.read`. The
 * schema offers only an async `validate` (zod's safeParseAsync), and its
 * `jsonSchema` cannot be built (the `data-*` chunk is a zod custom type), so
 * the validation runs in a worker thread that loads `ai`, and the caller
 * blocks on an Atomics wait until it answers: the package's exact rules,
 * never a copy of them. Answers are cached by frame text.
 */
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
let schema;
let loadError;
try {
  schema = require(workerData.ai).uiMessageChunkSchema();
} catch (error) {
  loadError = 'cannot load the ai package: ' + (error && error.message);
}
parentPort.on('message', async ({ signal, port, values }) => {
  const verdicts = [];
  for (const value of values) {
    if (!schema) { verdicts.push(loadError); continue; }
    try {
      const result = await schema.validate(value);
      verdicts.push(result.success ? null : JSON.parse(JSON.stringify(result.error.issues)));
    } catch (error) {
      verdicts.push('the validator failed: ' + (error && error.message));
    }
  }
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
    const verdicts = ask([...values.values()]);
    [...values.keys()].forEach((text, i) => {
      cache.set(text, reasonOf(verdicts[i] ?? null, values.get(text)));
    });
  }
  return texts.map((text) => cache.get(text) ?? undefined);
}

function ask(values: unknown[]): Verdict[] {
  worker ??= startWorker();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    worker.postMessage({ signal, port: port2, values }, [port2]);
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
