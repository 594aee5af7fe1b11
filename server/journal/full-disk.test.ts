/**
 * A real full disk under the journal: the journal lives on a tiny tmpfs that a
 * filler file fills up mid-test, and SQLite itself reports SQLITE_FULL. Mounting
 * needs root (or a user namespace); without it this test skips and says why.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunLifecycle, formatViolations, type ServerMessage } from '../../protocol';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

function mount(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // something still holds a file open: detach it anyway
  }
}

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
function cannotMountReason(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  const dir = mkdtempSync(path.join(tmpdir(), 'mount-probe-'));
  try {
    mount(dir, '64k');
    unmount(dir);
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0];
    return `cannot mount a tmpfs (${stderr || (error as Error).message}); run the tests as root to cover a real full disk`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes until the filesystem has no byte left, in ever smaller pieces. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const cannotMount = cannotMountReason();
const is =
  <T extends ServerMessage['type']>(
    type: T,
    extra: (message: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ) =>
  (message: ServerMessage): message is Extract<ServerMessage, { type: T }> =>
    message.type === type && extra(message as Extract<ServerMessage, { type: T }>);

describe('a full disk under the journal', () => {
  let dir: string | undefined;
  let mounted = false;
  let server: RunningServer | undefined;
  let client: WsTestClient | undefined;

  afterAll(async () => {
    client?.close();
    await server?.close();
    if (mounted && dir) unmount(dir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(cannotMount !== undefined)(
    `fails the run and says so, refuses new runs and reports 503, then recovers without a restart${cannotMount ? ` (skipped: ${cannotMount})` : ''}`,
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'full-disk-'));
      mount(dir, '1m');
      mounted = true;
      server = await startTestServer({
        journalPath: path.join(dir, 'journal.db'),
        journalRetryMinMs: 10,
        journalRetryMaxMs: 50,
      });
      client = await WsTestClient.connectAs(server.url);
      const filler = path.join(dir, 'filler');
      fillUp(filler);

      client.send({ type: 'user_message', clientMessageId: 'c-1', text: '/scenario slow-tool 20000' });
      const { runId } = await client.next(is('message_accepted'));
      const stopped = 'the server could not save this run (the disk is full); it was stopped';
      await expect(client.next(is('error', (m) => m.runId === runId))).resolves.toEqual({
        type: 'error',
        code: 'unavailable',
        message: stopped,
        runId,
      });

      client.send({ type: 'user_message', clientMessageId: 'c-2', text: '/scenario basic' });
      await expect(client.next(is('error', (m) => m.clientMessageId === 'c-2'))).resolves.toMatchObject({
        code: 'unavailable',
        message: 'the server cannot save new runs right now (the disk is full); try again in a moment',
      });
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      await expect(health.json()).resolves.toMatchObject({
        status: 'unavailable',
        reason: 'journal cannot write: SQLITE_FULL: database or disk is full',
      });
      expect(client.events(runId)).toEqual([]); // nothing the journal could lose was sent

      unlinkSync(filler);
      const completed = await client.next(is('agent_completed', (m) => m.runId === runId));
      expect(completed.payload).toMatchObject({ status: 'failed', error: stopped });
      const events = client.events(runId);
      expect(events.map((event) => event.seq)).toEqual(events.map((_event, index) => index + 1));
      expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['agent_started', 'tool_completed']));
      const violations = checkRunLifecycle(events);
      expect(violations, formatViolations(violations)).toEqual([]);

      const healed = await fetch(`${server.url}/healthz`);
      expect(healed.status).toBe(200);
      await expect(healed.json()).resolves.toMatchObject({ status: 'ok' });
      const again = await client.runToCompletion('/scenario basic');
      expect(again.events.at(-1)?.payload).toMatchObject({ status: 'success' });
    },
    60_000, // hang guard for a mount and a server start, not a budget the assertions rely on
  );
});
