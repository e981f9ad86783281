import type { Snapshot } from '../types.js';
import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Payload of an {@link AfterCommitError}. */
export interface AfterCommitErrorOptions extends NoclobberErrorOptions {
  /** What a single write committed (`apply`, `update`, `replace`, `create`, `delete`). */
  readonly snapshot?: Snapshot<unknown>;
  /** What the `transact` closure returned; its writes committed. */
  readonly result?: unknown;
  /** Every callback failure, in order (the first is also the `cause`). */
  readonly failures: readonly unknown[];
}

/**
 * The write COMMITTED, then an `afterCommit` callback failed. The write is not undone and
 * was not re-run: callbacks run exactly once, after the commit, outside every retry. The
 * committed snapshot (or the transaction's result) is carried, so the caller can answer
 * with what was written and deal with the side effect alone.
 *
 * @example
 * ```ts
 * try { await orders.apply(id, ops, { afterCommit: (s) => mailer.send(s) }); }
 * catch (e) { if (e instanceof AfterCommitError) queueMailRetry(e.snapshot); else throw e; }
 * ```
 */
export class AfterCommitError extends NoclobberError {
  readonly code = 'after_commit' as const;
  readonly retryable = false;
  readonly httpStatus = 500;
  readonly snapshot?: Snapshot<unknown>;
  readonly result?: unknown;
  readonly failures: readonly unknown[];

  constructor(message: string, options: AfterCommitErrorOptions) {
    super(message, { cause: options.cause ?? options.failures[0] });
    if (options.snapshot !== undefined) this.snapshot = options.snapshot;
    if ('result' in options) this.result = options.result;
    this.failures = options.failures;
  }

  protected title(): string {
    return 'The write committed, but a callback after it failed';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return this.snapshot ? { committedVersion: this.snapshot.version } : {};
  }
}
