import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Payload of a {@link CannotJoinError}. */
export interface CannotJoinErrorOptions extends NoclobberErrorOptions {
  /** The store whose transaction was to be joined (`kind`, `id`). */
  readonly into: string;
  /** The store that cannot join it. */
  readonly joining: string;
}

/**
 * `tx.with(other)` named a store that cannot share the transaction: another database, or
 * another connection, pool or client to it (a transaction lives on one). Thrown before
 * anything is sent for `other`; bind both collections to the same handle to write them
 * atomically.
 *
 * @example
 * ```ts
 * const audit = collection(await PostgresStore.open(samePool, { table: 'audit', key: 'id' }));
 * await accounts.transact(async (tx) => { await tx.apply(id, ops); await tx.with(audit).create(entryId, entry); });
 * ```
 */
export class CannotJoinError extends NoclobberError {
  readonly code = 'cannot_join' as const;
  readonly retryable = false;
  readonly httpStatus = 500;
  readonly into: string;
  readonly joining: string;

  constructor(message: string, options: CannotJoinErrorOptions) {
    super(message, options);
    this.into = options.into;
    this.joining = options.joining;
  }

  protected title(): string {
    return 'These stores cannot share one transaction';
  }
}
