import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';
import type { TransientReason } from './transient-error.js';

/** Payload of a {@link RerunTransactionError}. */
export interface RerunTransactionErrorOptions extends NoclobberErrorOptions {
  readonly reason: TransientReason;
}

/**
 * A statement failed for a reason that passes (serialization failure, deadlock, lost
 * connection, an expired transaction) inside a transaction noclobber does not own — the
 * caller's `prisma.$transaction(async (tx) => …)`. PostgreSQL has aborted that whole
 * transaction, so noclobber cannot retry the statement: the caller must re-run the whole
 * transaction. `retryable` is false because retrying the same call cannot succeed;
 * `httpStatus` is 503 because re-sending the request (which re-runs the transaction) can.
 * The error noclobber would have retried on its own connection is the `cause`.
 *
 * @example
 * ```ts
 * for (let attempt = 1; ; attempt++) {
 *   try {
 *     return await prisma.$transaction(async (tx) => tx.product.$update({ id }, bump));
 *   } catch (e) {
 *     if (!(e instanceof RerunTransactionError) || attempt === 5) throw e;
 *   }
 * }
 * ```
 */
export class RerunTransactionError extends NoclobberError {
  readonly code = 'rerun_transaction' as const;
  readonly retryable = false;
  readonly httpStatus = 503;
  readonly reason: TransientReason;

  constructor(message: string, options: RerunTransactionErrorOptions) {
    super(message, options);
    this.reason = options.reason;
  }

  protected title(): string {
    return 'The enclosing transaction must be re-run';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { reason: this.reason };
  }
}
