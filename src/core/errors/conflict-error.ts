import type { Key, Snapshot } from '../types.js';
import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Why a conditional write found the record other than expected. */
export type ConflictReason = 'stale' | 'exists' | 'gone';

/** Payload of a {@link ConflictError}. */
export interface ConflictErrorOptions extends NoclobberErrorOptions {
  readonly reason: ConflictReason;
  readonly key: Key;
  /** The version the writer expected, when it named one. */
  readonly expected?: string;
  /** The version actually found, when the record exists. */
  readonly actual?: string;
  /** The current record, when the store could provide it without another racy read. */
  readonly current?: Snapshot<unknown>;
}

/**
 * The record was not in the expected state: `stale` (its version moved), `exists`
 * (create-only found a record) or `gone` (the target does not exist).
 * It is never reported as "not found" when the version merely moved.
 *
 * @example
 * ```ts
 * try { await docs.replace(id, next, { expect: { version: seen } }); }
 * catch (e) {
 *   if (isConflictError(e) && e.reason === 'stale') showReloadPrompt(e.current);
 * }
 * ```
 */
export class ConflictError extends NoclobberError {
  readonly code = 'conflict' as const;
  readonly retryable = false;
  readonly reason: ConflictReason;
  readonly key: Key;
  readonly expected?: string;
  readonly actual?: string;
  readonly current?: Snapshot<unknown>;

  constructor(message: string, options: ConflictErrorOptions) {
    super(message, options);
    this.reason = options.reason;
    this.key = options.key;
    if (options.expected !== undefined) this.expected = options.expected;
    if (options.actual !== undefined) this.actual = options.actual;
    if (options.current !== undefined) this.current = options.current;
  }

  /** 409 for a moved version, 412 for create-only that found a record, 404 when gone. */
  get httpStatus(): number {
    return this.reason === 'gone' ? 404 : this.reason === 'exists' ? 412 : 409;
  }

  protected override problemKind(): string {
    return `conflict:${this.reason}`;
  }

  protected title(): string {
    return this.reason === 'stale'
      ? 'The record changed since it was read'
      : this.reason === 'exists'
        ? 'The record already exists'
        : 'The record does not exist';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return {
      reason: this.reason,
      ...(this.expected === undefined ? {} : { expectedVersion: this.expected }),
      ...(this.actual === undefined ? {} : { currentVersion: this.actual }),
    };
  }
}

/**
 * True when `e` is a {@link ConflictError}, from any installed copy of noclobber.
 *
 * @example
 * ```ts
 * if (isConflictError(e) && e.reason === 'stale') return retryLater();
 * ```
 */
export function isConflictError(e: unknown): e is ConflictError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as Record<symbol, unknown>)[Symbol.for('noclobber.error')] === true &&
    (e as { code?: unknown }).code === 'conflict'
  );
}
