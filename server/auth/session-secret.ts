/**
 * Where the session-signing secret comes from. SESSION_SECRET wins; without it,
 * a server with a journal file keeps a generated secret beside the journal
 * (`<journal folder>/session-secret`), so sessions survive a restart of the
 * default `npm start`. Only an in-memory journal (tests) gets a per-process
 * secret, since nothing else of it survives a restart either.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Name of the generated secret's file, in the journal's folder. */
export const SESSION_SECRET_FILE = 'session-secret';
/** Shortest secret accepted, from SESSION_SECRET or the file. */
const MIN_SESSION_SECRET_LENGTH = 16;

export class SessionSecretError extends Error {
  override name = 'SessionSecretError';
}

export type SessionSecretSource =
  | { kind: 'env'; secret: string }
  | { kind: 'file'; secret: string; file: string; created: boolean; looseMode: boolean }
  | { kind: 'ephemeral' };

/** Picks the secret: the configured one, else the journal folder's file (made on first start), else none. */
export function resolveSessionSecret(options: { secret?: string; journalPath: string }): SessionSecretSource {
  if (options.secret) return { kind: 'env', secret: options.secret };
  if (options.journalPath === ':memory:') return { kind: 'ephemeral' };
  const file = path.join(path.dirname(path.resolve(options.journalPath)), SESSION_SECRET_FILE);
  return { kind: 'file', file, ...loadOrCreateSecretFile(file) };
}

/**
 * Reads the secret at `file`, creating it first when it does not exist. The
 * new secret is written to a private temporary file (mode 0600) and linked into
 * place: a link never replaces an existing file, so of two servers starting at
 * once exactly one creates it and both read the same complete secret.
 */
export function loadOrCreateSecretFile(file: string): { secret: string; created: boolean; looseMode: boolean } {
  let created = false;
  if (!exists(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      throw unreadable(file, error); // a read-only or full data folder: say what to do, not just EACCES
    }
    try {
      linkSync(temporary, file);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unreadable(file, error);
    } finally {
      unlinkSync(temporary);
    }
  }
  let secret: string;
  let mode: number;
  try {
    secret = readFileSync(file, 'utf8').trim();
    mode = statSync(file).mode;
  } catch (error) {
    throw unreadable(file, error);
  }
  if (secret.length < MIN_SESSION_SECRET_LENGTH) {
    throw new SessionSecretError(
      `the session secret in ${file} is too short (${secret.length} characters, at least ${MIN_SESSION_SECRET_LENGTH} needed): ` +
        'delete the file to have a new one made (existing sessions end), or set SESSION_SECRET',
    );
  }
  return { secret, created, looseMode: (mode & 0o077) !== 0 };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): SessionSecretError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SessionSecretError(
    `cannot read or create the session secret ${file} (${reason}): fix its permissions or set SESSION_SECRET`,
  );
}
