import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { DatabaseError } from '../../core/errors/database-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { LockBusyError } from '../../core/errors/lock-busy-error.js';
import { LockTimeoutError } from '../../core/errors/lock-timeout-error.js';
import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import { TransientError } from '../../core/errors/transient-error.js';

/**
 * When an error happened, which decides what it means: `connect` (checking a client out: nothing
 * was sent), `read`, `write` (an autocommit write was sent), `in-transaction` (a statement of an
 * open transaction: a lost connection rolls it back), `commit` (COMMIT was sent), `lock`.
 */
export type PgPhase = 'connect' | 'read' | 'write' | 'in-transaction' | 'commit' | 'lock';

function sqlstate(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function message(e: unknown): string {
  return String((e as Error | null)?.message ?? '');
}

/** Socket errors raised while connecting, before any statement could be written. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/**
 * Failures that prove nothing was sent: the connection could not be made (refused, server
 * starting up or shutting down — 57P03, rejected — 08001 / 08004, too many connections), the
 * pool is closed or timed out waiting for a client, or `pg` refused to use a client whose
 * connection already died (pg's only signal for the last three is its message).
 */
function neverSent(e: unknown, state: string | undefined): boolean {
  if (state)
    return state === '57P03' || state === '08001' || state === '08004' || state === '53300' || state === '53400';
  const code = (e as { code?: unknown } | null)?.code;
  if (CONNECT_CODES.has(code as string)) return true;
  return /is not queryable|Cannot use a pool after calling end|timeout exceeded when trying to connect|Client was closed/.test(
    message(e),
  );
}

/** A connection lost with a statement possibly in flight: class 08, 57P01 / 57P02, a reset socket, pg's "Connection terminated". */
function connectionLost(e: unknown, state: string | undefined): boolean {
  if (state) return state.startsWith('08') || state === '57P01' || state === '57P02';
  const code = (e as { code?: unknown } | null)?.code;
  return (
    ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'].includes(code as string) ||
    /Connection terminated|connection.*(ended|closed)|Query read timeout/i.test(message(e))
  );
}

/**
 * Maps a `pg` error to the noclobber family, by SQLSTATE where the server sent one and by
 * the phase it happened in (see the failure table in docs/design.md):
 * - nothing sent (refused, 57P03, closed pool, a client pg will not use) → `TransientError('connection')`;
 * - connection lost: `CommitUnknownError` while an autocommit write or a COMMIT was in
 *   flight (it may have been applied), otherwise `TransientError('connection')` (a read, or
 *   an open transaction, which the server rolls back);
 * - 40001 / 40P01 → `TransientError` serialization / deadlock; 57014 → canceled; 55P03 →
 *   `LockTimeoutError` (`LockBusyError` for NOWAIT); 22xxx / 23xxx → `InvalidChangeError`;
 * - any other SQLSTATE → `DatabaseError` (the server answered: nothing was applied).
 * Errors that are not the driver's are returned as they are.
 * @example
 * ```ts
 * try { await client.query(sql, values); } catch (e) { throw mapPgError(e, 'write'); }
 * ```
 */
export function mapPgError(e: unknown, phase: PgPhase, options: { nowait?: boolean } = {}): unknown {
  if (isNoclobberError(e)) return e;
  const state = sqlstate(e);
  if (state === '40001')
    return new TransientError('Serialization failure; the transaction can be retried', {
      reason: 'serialization',
      cause: e,
    });
  if (state === '40P01')
    return new TransientError('Deadlock detected; the transaction can be retried', { reason: 'deadlock', cause: e });
  if (state === '55P03') {
    return options.nowait
      ? new LockBusyError('The row is locked by another transaction', { cause: e })
      : new LockTimeoutError('Timed out waiting for a row lock', { cause: e });
  }
  if (state === '57014') return new TransientError('The statement was canceled', { reason: 'canceled', cause: e });
  if (neverSent(e, state))
    return new TransientError('Could not reach PostgreSQL; nothing was sent', { reason: 'connection', cause: e });
  if (connectionLost(e, state)) {
    if (phase === 'write' || phase === 'commit')
      return new CommitUnknownError(
        'The connection was lost while the write was in flight; it may or may not have been applied',
        { cause: e },
      );
    return new TransientError('The connection was lost; nothing was committed', { reason: 'connection', cause: e });
  }
  if (state?.startsWith('22'))
    return new InvalidChangeError(`PostgreSQL refused a value (${state})`, { reason: 'type_mismatch', cause: e });
  if (state?.startsWith('23'))
    return new InvalidChangeError(`The table refused the row (${state})`, { reason: 'constraint', cause: e });
  if (state) return new DatabaseError(`PostgreSQL refused the statement (${state}): ${message(e)}`, { cause: e });
  return e;
}

/** True when the error means the client's connection cannot be used again (destroy it, do not pool it). */
export function breaksConnection(e: unknown): boolean {
  if ((e as { code?: unknown } | null)?.code === 'commit_unknown') return true;
  const cause = isNoclobberError(e) ? (e as { cause?: unknown }).cause : e;
  const state = sqlstate(cause);
  return cause !== undefined && (neverSent(cause, state) || connectionLost(cause, state));
}
