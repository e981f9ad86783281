import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { DatabaseError } from '../../core/errors/database-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import type { SqliteDatabase } from './sqlite-store-config.js';

/**
 * When a SQLite call failed: `statement` (a read or a write inside a transaction that has not
 * committed: SQLite undoes the statement, and a failed transaction is rolled back) or
 * `commit` (the COMMIT itself, whose I/O error may leave it done or not).
 */
export type SqlitePhase = 'statement' | 'commit';

/**
 * Maps a better-sqlite3 error to the noclobber family by its `code` (never its message,
 * except a closed handle, whose only signal is better-sqlite3's message):
 * `SQLITE_BUSY*` / `SQLITE_LOCKED*` → `TransientError('busy')` (retryable),
 * `SQLITE_CONSTRAINT*` → `InvalidChangeError('constraint')`, `SQLITE_IOERR*` during COMMIT →
 * `CommitUnknownError`, a closed handle → `TransientError('connection')` (nothing ran), any
 * other `SQLITE_*` → `DatabaseError`. Errors that are not SQLite's are returned as they are.
 * @example
 * ```ts
 * try { stmt.run(params); } catch (e) { throw mapSqliteError(e); }
 * ```
 */
export function mapSqliteError(e: unknown, phase: SqlitePhase = 'statement'): unknown {
  if (isNoclobberError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    if (e instanceof TypeError && /database connection is not open/.test(e.message))
      return new TransientError('The SQLite handle is closed; nothing was run', { reason: 'connection', cause: e });
    return e;
  }
  if (!code.startsWith('SQLITE_')) return e;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TransientError(`SQLite is busy (${code})`, { reason: 'busy', cause: e });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new InvalidChangeError(`The table refused the row (${code})`, { reason: 'constraint', cause: e });
  }
  if (phase === 'commit' && code.startsWith('SQLITE_IOERR'))
    return new CommitUnknownError(`SQLite could not finish the COMMIT (${code}); it may or may not have been applied`, {
      cause: e,
    });
  // The driver's text too, as the other stores' DatabaseError says it: for logs (the HTTP layer answers a 500 without it).
  return new DatabaseError(`SQLite refused the statement (${code}): ${(e as Error).message}`, { cause: e });
}

/** True for SQLITE_BUSY / SQLITE_LOCKED and their extended codes. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * COMMIT, told apart by outcome: when it fails and the transaction is still open (busy), it
 * is rolled back and nothing was written; when SQLite ended it with an I/O error, the commit
 * may or may not have reached the file (`CommitUnknownError`).
 * @example
 * ```ts
 * db.exec('BEGIN IMMEDIATE'); run(); commit(db);
 * ```
 */
export function commit(db: SqliteDatabase): void {
  try {
    db.exec('COMMIT');
  } catch (e) {
    if (!db.inTransaction) throw mapSqliteError(e, 'commit');
    try {
      db.exec('ROLLBACK');
    } catch {}
    throw mapSqliteError(e);
  }
}

/**
 * Runs `fn` atomically: in its own immediate transaction (COMMIT told apart by outcome), or
 * under a savepoint of the open one — so a write that fails after its statement ran (a byte
 * cap) leaves nothing behind even when the caller catches the error and commits.
 * @example
 * ```ts
 * const row = atomically(db, () => update.get(params));
 * ```
 */
export function atomically<R>(db: SqliteDatabase, fn: () => R): R {
  const nested = db.inTransaction;
  db.exec(nested ? 'SAVEPOINT noclobber_write' : 'BEGIN IMMEDIATE');
  let result: R;
  try {
    result = fn();
    if (nested) db.exec('RELEASE noclobber_write');
  } catch (e) {
    if (db.inTransaction) db.exec(nested ? 'ROLLBACK TO noclobber_write; RELEASE noclobber_write' : 'ROLLBACK');
    throw e;
  }
  if (!nested) commit(db);
  return result;
}
