import { NoclobberError } from './noclobber-error.js';

/**
 * A write made under a lease was refused because the lease expired and another holder
 * took it (its fencing token moved on). Nothing was written by the stale holder.
 *
 * @example
 * ```ts
 * await items.withLock(id, async (locked) => {
 *   await slowWork();                 // paused past the lease
 *   await locked.apply([set('a', 1)]); // throws LockLostError
 * });
 * ```
 */
export class LockLostError extends NoclobberError {
  readonly code = 'lock_lost' as const;
  readonly retryable = true;
  readonly httpStatus = 409;

  protected title(): string {
    return 'The lock was lost before the write';
  }
}
