import { NoclobberError } from './noclobber-error.js';

/**
 * `withLock(..., { nowait: true })` found the lock held. Nothing was written (503).
 *
 * @example
 * ```ts
 * try { await jobs.withLock(id, run, { nowait: true }); }
 * catch (e) { if (e instanceof LockBusyError) return 'someone else is on it'; }
 * ```
 */
export class LockBusyError extends NoclobberError {
  readonly code = 'lock_busy' as const;
  readonly retryable = true;
  readonly httpStatus = 503;

  protected title(): string {
    return 'The lock is held by someone else';
  }
}
