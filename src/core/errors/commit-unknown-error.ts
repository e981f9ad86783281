import { NoclobberError } from './noclobber-error.js';

/**
 * The connection was lost after a write, or the COMMIT of a transaction, was sent and before
 * its answer came back: the write may or may not have happened. Only then — a failure before
 * anything was sent, or inside a transaction that had not reached COMMIT, is a retryable
 * `TransientError`. Never retried blindly; re-read the record (or use an idempotency key).
 *
 * @example
 * ```ts
 * if (e instanceof CommitUnknownError) snapshot = await docs.get(id); // then decide
 * ```
 */
export class CommitUnknownError extends NoclobberError {
  readonly code = 'commit_unknown' as const;
  readonly retryable = false;
  readonly httpStatus = 503;

  protected title(): string {
    return 'The outcome of the commit is unknown';
  }
}
