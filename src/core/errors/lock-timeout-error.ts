import { NoclobberError } from './noclobber-error.js';

/**
 * Waiting for a lock took longer than `lockTimeoutMs` (PostgreSQL 55P03 with
 * `lock_timeout`, MySQL 1205, `SQLITE_BUSY` after the busy timeout). Nothing was
 * written; the request may be retried (503).
 *
 * @example
 * ```ts
 * await stacks.withLock(slug, fn, { lockTimeoutMs: 3000 }); // may throw LockTimeoutError
 * ```
 */
export class LockTimeoutError extends NoclobberError {
  readonly code = 'lock_timeout' as const;
  readonly retryable = true;
  readonly httpStatus = 503;

  protected title(): string {
    return 'Timed out waiting for a lock';
  }
}
