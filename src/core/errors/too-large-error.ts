import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Payload of a {@link TooLargeError}. */
export interface TooLargeErrorOptions extends NoclobberErrorOptions {
  /** What was measured: the patch itself, one field after the write, or the whole item. */
  readonly what: 'patch' | 'field' | 'item';
  readonly limitBytes: number;
  /** The measured size, when known. */
  readonly actualBytes?: number;
  readonly field?: string;
}

/**
 * A patch, or the value it would produce, is over its byte cap. Patch sizes are checked
 * before any query; field caps are checked in the same statement as the write.
 *
 * @example
 * ```ts
 * const stacks = collection(store, { maxPatchBytes: 64 * 1024 });
 * // a 70 KiB patch throws TooLargeError { what: 'patch', limitBytes: 65536 } before any I/O
 * ```
 */
export class TooLargeError extends NoclobberError {
  readonly code = 'too_large' as const;
  readonly retryable = false;
  readonly httpStatus = 413;
  readonly what: 'patch' | 'field' | 'item';
  readonly limitBytes: number;
  readonly actualBytes?: number;
  readonly field?: string;

  constructor(message: string, options: TooLargeErrorOptions) {
    super(message, options);
    this.what = options.what;
    this.limitBytes = options.limitBytes;
    if (options.actualBytes !== undefined) this.actualBytes = options.actualBytes;
    if (options.field !== undefined) this.field = options.field;
  }

  protected title(): string {
    return 'The change is too large';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return {
      what: this.what,
      limitBytes: this.limitBytes,
      ...(this.actualBytes === undefined ? {} : { actualBytes: this.actualBytes }),
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}
