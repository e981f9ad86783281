import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import { TransientError } from '../../core/errors/transient-error.js';

/**
 * Maps a better-sqlite3 error to the noclobber family by its `code` (never its message):
 * `SQLITE_BUSY*` / `SQLITE_LOCKED*` → `TransientError('busy')` (retryable),
 * `SQLITE_CONSTRAINT*` → `InvalidChangeError('constraint')`. Anything else is returned as is.
 * @example
 * ```ts
 * try { stmt.run(params); } catch (e) { throw mapSqliteError(e); }
 * ```
 */
export function mapSqliteError(e: unknown): unknown {
  if (isNoclobberError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return e;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TransientError(`SQLite is busy (${code})`, { reason: 'busy', cause: e });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new InvalidChangeError(`The table refused the row (${code})`, { reason: 'constraint', cause: e });
  }
  return e;
}

/** True for SQLITE_BUSY / SQLITE_LOCKED and their extended codes. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
