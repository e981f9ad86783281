import type { Guard } from '../guards.js';
import type { Key, Snapshot } from '../types.js';
import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** Payload of a {@link GuardError}. */
export interface GuardErrorOptions extends NoclobberErrorOptions {
  readonly key: Key;
  /** The guard that was false (for an `inc` bound, the bound on the resulting value). */
  readonly guard: Guard;
  /** The field's value that failed the guard. */
  readonly actual?: unknown;
  readonly current?: Snapshot<unknown>;
}

/**
 * A guard on the record was false when the write was attempted, so nothing was written.
 * Guards are checked in the same atomic step as the write, so this is never stale.
 * `inc` bounds (`min` / `max`) report here too.
 *
 * @example
 * ```ts
 * try { await stacks.apply(slug, ops, { expect: { where: [field('status').ne('deleting')] } }); }
 * catch (e) { if (e instanceof GuardError) return problem(409, 'stack_deleting'); }
 * ```
 */
export class GuardError extends NoclobberError {
  readonly code = 'guard_failed' as const;
  readonly retryable = false;
  readonly httpStatus = 409;
  readonly key: Key;
  readonly guard: Guard;
  readonly actual?: unknown;
  readonly current?: Snapshot<unknown>;

  constructor(message: string, options: GuardErrorOptions) {
    super(message, options);
    this.key = options.key;
    this.guard = options.guard;
    if (options.actual !== undefined) this.actual = options.actual;
    if (options.current !== undefined) this.current = options.current;
  }

  protected title(): string {
    return 'A condition on the record was not met';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { guard: { path: this.guard.path.join('.'), op: this.guard.op, value: this.guard.value } };
  }
}
