import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { LockBusyError } from '../../core/errors/lock-busy-error.js';
import { LockTimeoutError } from '../../core/errors/lock-timeout-error.js';
import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import { TransientError } from '../../core/errors/transient-error.js';

/** Where an error happened, which decides what it means. */
export type PgPhase = 'read' | 'write' | 'in-transaction' | 'commit' | 'lock';

function sqlstate(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A connection-level failure: no SQLSTATE from the server, or class 08 / 57P0x. */
function isConnectionLoss(e: unknown, state: string | undefined): boolean {
  if (state) return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03';
  const code = (e as { code?: unknown } | null)?.code;
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code as string) ||
    /Connection terminated|connection.*(ended|closed)/i.test(String((e as Error)?.message ?? ''))
  );
}

/**
 * Maps a `pg` error to the noclobber family by SQLSTATE (never by message text):
 * 40001 → TransientError('serialization'), 40P01 → ('deadlock'), 57014 → ('canceled'),
 * 55P03 → LockTimeoutError / LockBusyError (lock phase, nowait), 22xxx / 23xxx →
 * InvalidChangeError. A lost connection is a retryable TransientError before any write
 * was sent or inside an open transaction (it rolls back), but a CommitUnknownError while
 * an autocommit write or a COMMIT was in flight: it may have been applied.
 * @example
 * ```ts
 * try { await pool.query(sql, values); } catch (e) { throw mapPgError(e, 'write'); }
 * ```
 */
export function mapPgError(e: unknown, phase: PgPhase, options: { nowait?: boolean } = {}): unknown {
  if (isNoclobberError(e)) return e;
  const state = sqlstate(e);
  if (state === '40001') return new TransientError('Serialization failure; the transaction can be retried', { reason: 'serialization', cause: e });
  if (state === '40P01') return new TransientError('Deadlock detected; the transaction can be retried', { reason: 'deadlock', cause: e });
  if (state === '55P03') {
    return options.nowait
      ? new LockBusyError('The row is locked by another transaction', { cause: e })
      : new LockTimeoutError('Timed out waiting for a row lock', { cause: e });
  }
  if (state === '57014') return new TransientError('The statement was canceled', { reason: 'canceled', cause: e });
  if (state === '53300' || state === '53400') return new TransientError('The server refused a connection', { reason: 'connection', cause: e });
  // pg refuses a query on a client whose connection already died (a terminated backend,
  // idle_in_transaction_session_timeout) before sending anything; its only signal is the message.
  if (!state && /is not queryable/.test(String((e as Error)?.message ?? '')))
    return new TransientError('The connection was already lost; nothing was sent', { reason: 'connection', cause: e });
  if (isConnectionLoss(e, state)) {
    if (phase === 'write' || phase === 'commit')
      return new CommitUnknownError('The connection was lost while the write was in flight; it may or may not have been applied', { cause: e });
    return new TransientError('The connection was lost; nothing was committed', { reason: 'connection', cause: e });
  }
  if (state?.startsWith('22')) return new InvalidChangeError(`PostgreSQL refused a value (${state})`, { reason: 'type_mismatch', cause: e });
  if (state?.startsWith('23')) return new InvalidChangeError(`The table refused the row (${state})`, { reason: 'constraint', cause: e });
  return e;
}
