import { NoclobberError, type NoclobberErrorOptions } from './noclobber-error.js';

/** What is wrong with a change, expectation or key. */
export type InvalidChangeReason =
  | 'bad_op'
  | 'bad_path'
  | 'bad_key'
  | 'bad_expect'
  | 'not_json'
  | 'forbidden_key'
  | 'protected_field'
  | 'unknown_field'
  | 'type_mismatch'
  /** A value nested deeper than the store allows (default 64 levels, DynamoDB 32). */
  | 'too_deep'
  /** A number the field or store cannot hold: not finite, beyond an integer column's range, outside DynamoDB's range. */
  | 'out_of_range'
  /** Text the store cannot hold (U+0000 in PostgreSQL text and jsonb). */
  | 'unsupported_value'
  | 'constraint'
  /** More records in one transaction than the database can commit atomically (DynamoDB: 100). */
  | 'too_many_items';

/** Payload of an {@link InvalidChangeError}. */
export interface InvalidChangeErrorOptions extends NoclobberErrorOptions {
  readonly reason: InvalidChangeReason;
  readonly path?: readonly string[];
}

const MALFORMED: ReadonlySet<InvalidChangeReason> = new Set([
  'bad_op',
  'bad_path',
  'bad_key',
  'bad_expect',
  'not_json',
  'forbidden_key',
  'too_deep',
]);

/**
 * The change cannot be applied as written: a malformed op, a bad path, a prototype key
 * (`__proto__`, `constructor`, `prototype`) anywhere, a write to the key or version
 * field, or a type mismatch (`inc` on a string). Nothing was written.
 * Malformed input maps to 400, a well-formed but inapplicable change to 422.
 *
 * @example
 * ```ts
 * await docs.apply(id, [set('__proto__.admin', true)]); // throws InvalidChangeError, reason 'forbidden_key'
 * ```
 */
export class InvalidChangeError extends NoclobberError {
  readonly code = 'invalid_change' as const;
  readonly retryable = false;
  readonly reason: InvalidChangeReason;
  readonly path?: readonly string[];

  constructor(message: string, options: InvalidChangeErrorOptions) {
    super(message, options);
    this.reason = options.reason;
    if (options.path !== undefined) this.path = options.path;
  }

  get httpStatus(): number {
    return MALFORMED.has(this.reason) ? 400 : 422;
  }

  protected override problemKind(): string {
    return `invalid_change:${this.reason}`;
  }

  protected title(): string {
    return 'The change is not valid';
  }

  protected override problemExtensions(): Record<string, unknown> {
    return { reason: this.reason, ...(this.path === undefined ? {} : { path: this.path.join('.') }) };
  }
}
