import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** What kind of transient failure happened. */
export type TransientReason = 'serialization' | 'deadlock' | 'busy' | 'throttled' | 'connection' | 'canceled';

/** Payload of a {@link TransientError}. */
export interface TransientErrorOptions extends NoclobberErrorOptions {
  readonly reason: TransientReason;
}

/**
 * The database refused the work for a reason that passes: a serialization failure
 * (40001), a deadlock (40P01, MySQL 1213), `SQLITE_BUSY`, throttling, or a connection
 * that failed before anything was sent (refused, closed pool, server starting up) or
 * inside a transaction before its COMMIT (it rolled back). Nothing was committed;
 * retrying is safe (503).
 *
 * @example
 * ```ts
 * if (e instanceof TransientError) console.warn('retrying after', e.reason);
 * ```
 */
export class TransientError extends NoclobberError {
  readonly code = 'transient' as const;
  readonly retryable = true;
  readonly httpStatus = 503;
  readonly reason: TransientReason;

  constructor(message: string, options: TransientErrorOptions) {
    super(message, options);
    this.reason = options.reason;
  }

  protected title(): string {
    return 'A temporary database failure';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { reason: this.reason };
  }
}
