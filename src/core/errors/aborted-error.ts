import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Payload of an {@link AbortedError}. */
export interface AbortedErrorOptions extends NoclobberErrorOptions {
  readonly reason: 'signal' | 'deadline';
}

/**
 * A retry loop stopped because its `AbortSignal` fired or its deadline passed before a
 * write succeeded. Nothing from the unfinished attempt was written.
 *
 * @example
 * ```ts
 * await docs.update(id, fn, { retry: { deadlineMs: 2000 } }); // may throw AbortedError { reason: 'deadline' }
 * ```
 */
export class AbortedError extends NoclobberError {
  readonly code = 'aborted' as const;
  readonly retryable = false;
  readonly httpStatus = 503;
  readonly reason: 'signal' | 'deadline';

  constructor(message: string, options: AbortedErrorOptions) {
    super(message, options);
    this.reason = options.reason;
  }

  protected title(): string {
    return 'Gave up before the write succeeded';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { reason: this.reason };
  }
}
