import type { Problem } from './problem.js';

/** Brand shared by every copy of the package (two installed copies still recognise each other). */
export const ERROR_BRAND: unique symbol = Symbol.for('noclobber.error') as never;

/** Options every noclobber error accepts. */
export interface NoclobberErrorOptions {
  /** The driver error (or other error) that caused this one. */
  readonly cause?: unknown;
}

/**
 * Base class of every error noclobber throws. Branch on `code` (a literal), never on
 * the message. `retryable` says whether the same request may succeed if sent again;
 * `httpStatus` and `toProblem()` map the error to an RFC 9457 problem+json response.
 *
 * @example
 * ```ts
 * try {
 *   await accounts.apply(id, [inc('balance', -10, { min: 0 })]);
 * } catch (e) {
 *   if (isNoclobberError(e)) return Response.json(e.toProblem(), { status: e.httpStatus });
 *   throw e;
 * }
 * ```
 */
export abstract class NoclobberError extends Error {
  /** Brand for cross-copy `instanceof`; see {@link isNoclobberError}. */
  readonly [ERROR_BRAND] = true as const;
  /** Stable machine-readable code. */
  abstract readonly code: string;
  /** Whether sending the same request again may succeed. */
  abstract readonly retryable: boolean;
  /** The HTTP status this error maps to by default. */
  abstract readonly httpStatus: number;
  /** How many attempts were made before this error surfaced (set by retry loops). */
  attempts?: number;
  /**
   * How many of those attempts failed, by cause (`conflict`, `connection`, `busy`, ...), set
   * by retry loops: a caller can tell an outage from contention (see `retryCause`).
   */
  attemptsByCause?: Readonly<Record<string, number>>;

  constructor(message: string, options?: NoclobberErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  /** Extra members for the problem document; subclasses add their payload here. */
  protected problemExtensions(): Record<string, unknown> {
    return {};
  }

  /** A more specific problem type suffix (e.g. `conflict:stale`). */
  protected problemKind(): string {
    return this.code;
  }

  /**
   * This error as an RFC 9457 problem details object. The `type` is a URN that names
   * the kind (`urn:noclobber:problem:conflict:stale`); the HTTP layer may rebase it.
   */
  toProblem(): Problem {
    return {
      type: `urn:noclobber:problem:${this.problemKind()}`,
      title: this.title(),
      status: this.httpStatus,
      detail: this.message,
      code: this.code,
      retryable: this.retryable,
      ...this.problemExtensions(),
    };
  }

  /** Short, human summary of the kind (the problem's `title`). */
  protected abstract title(): string;
}

/**
 * True for any noclobber error, even one thrown by another installed copy of the package.
 *
 * @example
 * ```ts
 * if (isNoclobberError(e) && e.retryable) scheduleRetry();
 * ```
 */
export function isNoclobberError(e: unknown): e is NoclobberError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[ERROR_BRAND] === true;
}
