import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerProcess } from '../testing/server-process';
import { WsTestClient } from '../testing/ws-test-client';
import {
  loadOrCreateSecretFile,
  resolveSessionSecret,
  SESSION_SECRET_FILE,
  SessionSecretError,
} from './session-secret';

const dirs: string[] = [];
const servers: ServerProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'session-secret-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateSecretFile', () => {
  it('creates the secret with mode 0600 on first use, then reuses it', () => {
    const file = path.join(tempDir(), 'nested', SESSION_SECRET_FILE);
    const first = loadOrCreateSecretFile(file);
    expect(first).toMatchObject({ created: true, looseMode: false });
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    expect(loadOrCreateSecretFile(file)).toEqual({ secret: first.secret, created: false, looseMode: false });
    expect(readdirSync(path.dirname(file))).toEqual([SESSION_SECRET_FILE]); // no temporary file left behind
  });

  it('refuses a secret file that is too short, saying how to fix it', () => {
    const file = path.join(tempDir(), SESSION_SECRET_FILE);
    writeFileSync(file, 'short\n', { mode: 0o600 });
    expect(() => loadOrCreateSecretFile(file)).toThrow(SessionSecretError);
    expect(() => loadOrCreateSecretFile(file)).toThrow(
      `the session secret in ${file} is too short (5 characters, at least 16 needed): delete the file to have a new one made (existing sessions end), or set SESSION_SECRET`,
    );
  });

  it('refuses a secret that cannot be read, rather than make a new one', () => {
    const file = path.join(tempDir(), SESSION_SECRET_FILE);
    mkdirSync(file); // a directory where the file should be: unreadable as a file, even for root
    expect(() => loadOrCreateSecretFile(file)).toThrow(
      new RegExp(
        `^cannot read or create the session secret ${file} \\(EISDIR.*\\): fix its permissions or set SESSION_SECRET$`,
      ),
    );
  });

  it('reports a secret file others can read', () => {
    const file = path.join(tempDir(), SESSION_SECRET_FILE);
    writeFileSync(file, 'a-secret-of-enough-length\n');
    chmodSync(file, 0o644);
    expect(loadOrCreateSecretFile(file)).toEqual({
      secret: 'a-secret-of-enough-length',
      created: false,
      looseMode: true,
    });
  });
});

describe('resolveSessionSecret', () => {
  it('prefers SESSION_SECRET, keeps a file beside a file journal, and uses none for an in-memory one', () => {
    const dir = tempDir();
    const journalPath = path.join(dir, 'journal.db');
    expect(resolveSessionSecret({ secret: 'from-the-environment', journalPath })).toEqual({
      kind: 'env',
      secret: 'from-the-environment',
    });
    expect(existsSync(path.join(dir, SESSION_SECRET_FILE))).toBe(false);
    expect(resolveSessionSecret({ journalPath: ':memory:' })).toEqual({ kind: 'ephemeral' });
    expect(resolveSessionSecret({ journalPath })).toMatchObject({
      kind: 'file',
      file: path.join(dir, SESSION_SECRET_FILE),
      created: true,
    });
  });
});

describe('a restart of a server without SESSION_SECRET', () => {
  it('keeps verifying the sessions it issued, so a user resumes its thread', async () => {
    const dir = tempDir();
    const env = {
      SESSION_SECRET: undefined,
      JOURNAL_PATH: path.join(dir, 'journal.db'),
      AGENT_SCENARIOS: '1',
      AGENT_PACE_MS: '0',
    };
    const first = await ServerProcess.start({ env });
    servers.push(first);
    const { token, userId } = await WsTestClient.signIn(first.url, 'Ada');
    const client = await WsTestClient.connectAs(first.url, token);
    const { threadId, events } = await client.runToCompletion('/scenario basic');
    client.close();
    await first.stop();
    expect(statSync(path.join(dir, SESSION_SECRET_FILE)).mode & 0o777).toBe(0o600);

    const second = await ServerProcess.start({ env });
    servers.push(second);
    const session = await fetch(`${second.url}/api/session?token=${token}`);
    expect(session.status).toBe(200);
    await expect(session.json()).resolves.toEqual({ userId, name: 'Ada' });
    const resumed = await WsTestClient.connectAs(second.url, token);
    resumed.send({ type: 'resume', threadId, afterSeq: 0, clientMessageId: 'r-1' });
    await resumed.until(
      () => resumed.events().length >= events.length || resumed.messages.some((m) => m.type === 'error'),
    );
    expect(resumed.messages.filter((message) => message.type === 'error')).toEqual([]);
    expect(resumed.events()).toEqual(events);
    resumed.close();
  });

  it('refuses to start with a session secret file it cannot use, saying why', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SESSION_SECRET_FILE), 'short\n', { mode: 0o600 });
    const start = ServerProcess.start({
      env: { SESSION_SECRET: undefined, JOURNAL_PATH: path.join(dir, 'journal.db') },
    });
    await expect(start).rejects.toThrow(/failed to start: the session secret in .* is too short/);
  });
});
