import { NoclobberError } from '../core/errors/noclobber-error.js';
import type { Snapshot } from '../core/types.js';

/** What went wrong with the request's preconditions or framing. */
export type PreconditionReason =
  | 'required'
  | 'failed'
  | 'malformed'
  | 'weak'
  | 'foreign'
  | 'ambiguous'
  | 'body_too_large'
  | 'bad_body'
  | 'unsupported_media_type'
  | 'force_forbidden';

const STATUS: Record<PreconditionReason, number> = {
  required: 428,
  failed: 412,
  malformed: 400,
  weak: 412,
  foreign: 412,
  ambiguous: 400,
  body_too_large: 413,
  bad_body: 400,
  unsupported_media_type: 415,
  force_forbidden: 403,
};

/**
 * An HTTP-level refusal made before any write: a missing precondition (428), an ETag that
 * cannot match this resource (412: weak, another resource's, or stale), a malformed
 * header or body (400), a body over the limit (413), an unsupported media type (415), or
 * a `force` the caller may not use (403).
 * @example
 * ```ts
 * throw new PreconditionError('If-Match is required', { reason: 'required' });
 * ```
 */
export class PreconditionError extends NoclobberError {
  readonly code = 'precondition' as const;
  readonly retryable = false;
  readonly reason: PreconditionReason;
  /** The record as it was when a precondition failed against it (412), when there is one. */
  readonly current?: Snapshot<unknown>;

  constructor(message: string, options: { reason: PreconditionReason; cause?: unknown; current?: Snapshot<unknown> }) {
    super(message, options);
    this.reason = options.reason;
    if (options.current !== undefined) this.current = options.current;
  }

  get httpStatus(): number {
    return STATUS[this.reason];
  }

  protected override problemKind(): string {
    return `precondition:${this.reason}`;
  }

  protected title(): string {
    return this.reason === 'required' ? 'A precondition is required' : 'The request cannot be applied as sent';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { reason: this.reason };
  }
}
