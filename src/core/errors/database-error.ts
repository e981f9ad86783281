import { NoclobberError } from './noclobber-error.js';

/**
 * The database refused the request for a reason retrying will not fix: authentication or
 * permissions, a missing database or table, a statement it could not run, a transaction
 * already aborted by an earlier failed statement. The server answered, so nothing was
 * written by the refused request. The driver's error is the `cause` (500).
 *
 * @example
 * ```ts
 * try { await docs.apply(id, ops); }
 * catch (e) { if (e instanceof DatabaseError) log.error('database refused', e.cause); }
 * ```
 */
export class DatabaseError extends NoclobberError {
  readonly code = 'database' as const;
  readonly retryable = false;
  readonly httpStatus = 500;

  protected title(): string {
    return 'The database refused the request';
  }
}
