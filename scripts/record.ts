/**
 * `npm run record -- "message"`: runs one message and writes the run's events
 * as JSONL (protocol/trace.ts), ready for `/replay <name>`. It starts its own
 * server (scenarios and faults on) unless --url or BASE_URL names one; with
 * LLM_BASE_URL, LLM_API_KEY and LLM_MODEL set, that server's default agent is
 * the llm agent, so a run against a real provider becomes a replayable trace.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkRunLifecycle, formatViolations, type RunEvent, serializeTrace } from '../protocol';
import { DEFAULT_PACE_MS } from '../server/agents/default-agent';
import type { RunningServer } from '../server/app';
import { DEFAULT_REPLAY_DIR, optionsFromEnv } from '../server/config';
import { startTestServer } from '../server/testing/test-server';
import { WsTestClient } from '../server/testing/ws-test-client';

const USAGE = `usage: npm run record -- "<message>" [--name <name>] [--out <file>] [--url <base url>] [--timeout <s>] [--force]

  --name     recording name; written to recordings/<name>.jsonl (default: from the message)
  --out      write to this file instead
  --url      record from a running server (default: BASE_URL, else a server started here, whose
             default agent is the llm agent when LLM_BASE_URL, LLM_API_KEY and LLM_MODEL are set)
  --timeout  seconds to wait for the run to complete (default: 60); what arrived is still written
  --force    overwrite an existing file`;

class UsageError extends Error {}

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      timeout: { type: 'string', default: '60' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const message = positionals.join(' ').trim();
  if (!message) throw new UsageError('a message to record is required');
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError('--timeout takes a positive number of seconds');
  const name = values.name ?? slug(message);
  if (!/^[\w-][\w.-]*$/.test(name))
    throw new UsageError(`--name "${name}" may use only letters, digits, "-", "_" and "."`);
  const out = values.out ?? path.join(DEFAULT_REPLAY_DIR, `${name}.jsonl`);
  return { message, out, url: values.url ?? process.env.BASE_URL, timeoutMs: timeoutS * 1000, force: values.force };
}

function slug(message: string): string {
  return (
    message
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'recording'
  );
}

/** Runs the message; resolves with the run's events, complete or as far as they got by the timeout. */
async function record(baseUrl: string, message: string, timeoutMs: number) {
  const client = await WsTestClient.connectAs(baseUrl);
  try {
    const accepted = client.next((m) => m.type === 'message_accepted' || m.type === 'error');
    client.send({ type: 'user_message', clientMessageId: 'record-1', text: message });
    const reply = await accepted;
    if (reply.type !== 'message_accepted') throw new Error(`the server refused the message: ${JSON.stringify(reply)}`);
    const { runId } = reply;
    const completed = client.until(() => client.events(runId).some((event) => event.type === 'agent_completed'));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const stopped = await Promise.race([completed.then(() => false), timedOut]);
    clearTimeout(timer);
    return { runId, events: client.events(runId), complete: !stopped };
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const { message, out, url, timeoutMs, force } = options();
  if (existsSync(out) && !force) throw new UsageError(`${out} exists; pass --force to overwrite it`);
  let server: RunningServer | undefined;
  if (!url) {
    // The default agent's real pacing, so a recording carries realistic timing; a provider from the environment.
    const { llm } = optionsFromEnv();
    server = await startTestServer({ faults: true, agentPaceMs: DEFAULT_PACE_MS, ...(llm ? { llm } : {}) });
  }
  try {
    const baseUrl = url ?? (server as RunningServer).url;
    console.error(`recording "${message}" from ${baseUrl} …`);
    const { runId, events, complete } = await record(baseUrl, message, timeoutMs);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, serializeTrace(events));
    report(out, runId, events, complete, timeoutMs);
  } finally {
    await server?.close();
  }
}

function report(out: string, runId: string, events: RunEvent[], complete: boolean, timeoutMs: number): void {
  const spanMs = (events.at(-1)?.ts ?? 0) - (events[0]?.ts ?? 0);
  console.log(`recorded ${events.length} events of run ${runId} over ${spanMs} ms → ${out}`);
  if (!complete)
    console.warn(`warning: the run had not completed after ${timeoutMs / 1000} s; the recording stops there`);
  const violations = checkRunLifecycle(events);
  if (violations.length > 0)
    console.warn(`warning: the recorded run breaks the lifecycle:\n${formatViolations(violations)}`);
  const name = path.basename(out, '.jsonl');
  console.log(`replay it with the message "/replay ${name}" (or "/replay ${name} scale=0.5" for twice the speed)`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`record: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`record: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
