/**
 * The journal's SQLite file: made private, opened in WAL mode with its schema
 * (and older journals migrated), and what its write errors mean in plain words.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrateThreadStats } from './retention';
import { THREAD_OWNER_INDEX } from './thread-list';

/**
 * The journal holds every user's messages and answers: its folder is made
 * 0700 when the journal creates it, and the file is 0600 (SQLite gives its
 * -wal and -shm files the database file's mode).
 */
function createPrivateFile(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/** Opens the journal's database (or takes the one given), WAL, with its tables; `now` stamps migrated threads. */
export function openJournalDatabase(
  options: { path: string; database?: Database.Database },
  now: number,
): Database.Database {
  if (!options.database && options.path !== ':memory:') createPrivateFile(options.path);
  const db = options.database ?? new Database(options.path);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: durable across process crashes; a power cut may lose the last transaction.
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      thread_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      run_id TEXT NOT NULL,
      type TEXT NOT NULL,
      frame TEXT NOT NULL,
      PRIMARY KEY (thread_id, seq)
    ) WITHOUT ROWID;
    DROP INDEX IF EXISTS events_by_run; -- a second B-tree on every insert; lookups go by thread instead
    CREATE TABLE IF NOT EXISTS threads (thread_id TEXT PRIMARY KEY, owner_id TEXT) WITHOUT ROWID;
  `);
  db.exec(THREAD_OWNER_INDEX);
  migrateThreadStats(db, now);
  return db;
}

/** Names a failed write for operators (SQLite code and message) and for users (plain words). */
export function describeWriteError(error: unknown): { reason: string; cause: string } {
  const code = error instanceof Database.SqliteError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const reason = code ? `${code}: ${message}` : message;
  if (code === 'SQLITE_FULL') return { reason, cause: 'the disk is full' };
  if (code?.startsWith('SQLITE_READONLY')) return { reason, cause: 'its storage is read-only' };
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return { reason, cause: 'its storage is locked by another process' };
  }
  if (code?.startsWith('SQLITE_IOERR')) return { reason, cause: 'a disk error' };
  return { reason, cause: 'a storage error' };
}
