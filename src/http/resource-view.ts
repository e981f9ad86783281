import { InvalidChangeError } from '../core/errors/invalid-change-error.js';
import { isPlainObject } from '../core/json.js';
import { type NormalOp, type Op, set, unset } from '../core/ops.js';
import type { JsonValue, Row, Snapshot } from '../core/types.js';
import { formatETag, isWellFormedVersion } from './etag.js';
import type { RepresentationState } from './evaluate-preconditions.js';
import { PreconditionError } from './precondition-error.js';

/** Where a resource carries its version in bodies, besides the ETag. */
export interface BodyVersionOptions {
  /** The top-level field (e.g. `version`). Pick a name no data field uses. */
  readonly field: string;
  /** Put the version into every representation sent (GET, PUT / PATCH answers, 409 / 412 problems). Default true. */
  readonly send?: boolean;
  /** Take the version the client read from PUT / PATCH bodies (stale → 409). Default true. */
  readonly accept?: boolean;
}

/** How a resource shows its records: which fields, which validator, which dates. */
export interface ViewOptions<T> {
  readonly fields?: readonly string[] | undefined;
  readonly etag?: 'version' | 'content' | undefined;
  readonly bodyVersion?: BodyVersionOptions | undefined;
  readonly lastModified?: 'version' | ((snapshot: Snapshot<T>) => Date | number | undefined) | undefined;
}

const SAFE_INTEGER = /^(0|[1-9]\d{0,15})$/;

/**
 * Seconds since the epoch of a timestamp version: digits are microseconds since the
 * epoch (PostgreSQL's `versionKind: 'timestamp'`), anything else an ISO-8601 date
 * (DynamoDB's). Undefined when unreadable.
 */
function versionSeconds(version: string): number | undefined {
  if (/^\d{1,19}$/.test(version)) return Math.floor(Number(BigInt(version) / 1_000_000n));
  const ms = Date.parse(version);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Canonical JSON (sorted keys, no top-level nulls) of a sub-document, for its content validator. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** 96 bits of SHA-256 in hex, prefixed `c`: a well-formed version, so it works as an ETag and a body version. */
async function contentHash(value: Row): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical(value))));
  return `c${[...digest.subarray(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The representation side of a resource: which top-level fields it shows (all, or a
 * sub-document's), its validator (the record's version, or a hash of the sub-document's
 * content), its ETag and Last-Modified, and the version field in bodies.
 */
export class ResourceView<T extends object> {
  readonly #fields: ReadonlySet<string> | undefined;
  readonly #content: boolean;
  readonly #body: BodyVersionOptions | undefined;
  readonly #lastModified: ViewOptions<T>['lastModified'];

  constructor(options: ViewOptions<T>) {
    this.#fields = options.fields ? new Set(options.fields) : undefined;
    this.#content = options.etag === 'content';
    if (this.#content && !this.#fields)
      throw new TypeError("noclobber/http: etag: 'content' is for sub-documents (give `fields`)");
    if (options.bodyVersion && this.#fields?.has(options.bodyVersion.field))
      throw new TypeError(`noclobber/http: the body version field "${options.bodyVersion.field}" is also a data field`);
    this.#body = options.bodyVersion;
    this.#lastModified = options.lastModified;
  }

  /** True when the validator is the record's version, so a precondition can be the write's own expectation. */
  get versionIsValidator(): boolean {
    return !this.#content;
  }

  /** The fields of a sub-document, or undefined for the whole record. */
  get fields(): ReadonlySet<string> | undefined {
    return this.#fields;
  }

  /** The field a client may send its version in, when accepted. */
  get acceptedVersionField(): string | undefined {
    return this.#body && this.#body.accept !== false ? this.#body.field : undefined;
  }

  /** The record's fields this resource shows. */
  project(value: T): Row {
    const row = value as Row;
    if (!this.#fields) return row;
    const out: Row = {};
    for (const f of this.#fields) if (row[f] !== undefined && row[f] !== null) out[f] = row[f];
    return out;
  }

  /** The validator and Last-Modified of a snapshot, as preconditions judge them. */
  async state(snap: Snapshot<T>): Promise<RepresentationState> {
    const validator = this.#content ? await contentHash(this.project(snap.value)) : snap.version;
    const lastModified = this.lastModified(snap);
    return lastModified === undefined ? { validator } : { validator, lastModified };
  }

  /** Last-Modified in whole seconds, when the resource has dates. */
  lastModified(snap: Snapshot<T>): number | undefined {
    const lm = this.#lastModified;
    if (lm === undefined) return undefined;
    if (lm === 'version') return versionSeconds(snap.version);
    const d = lm(snap);
    const ms = d instanceof Date ? d.getTime() : d;
    return ms === undefined || !Number.isFinite(ms) ? undefined : Math.floor(ms / 1000);
  }

  /** True when Last-Modified conditions can be judged. */
  get hasDates(): boolean {
    return this.#lastModified !== undefined;
  }

  /** The ETag of a state. */
  etag(resourceId: string, state: RepresentationState): string {
    return formatETag(resourceId, state.validator);
  }

  /** The body version as sent: a number for integer versions, else the string. */
  sentVersion(validator: string): string | number {
    return SAFE_INTEGER.test(validator) && Number(validator) <= Number.MAX_SAFE_INTEGER ? Number(validator) : validator;
  }

  /** The body sent for a snapshot. */
  body(snap: Snapshot<T>, state: RepresentationState): Row {
    const shown = this.project(snap.value);
    return this.#body && this.#body.send !== false
      ? { ...shown, [this.#body.field]: this.sentVersion(state.validator) }
      : shown;
  }

  /** Extra problem members naming the current version in the body field, when sent. */
  problemVersion(state: RepresentationState | undefined): Row {
    return state && this.#body && this.#body.send !== false
      ? { [this.#body.field]: this.sentVersion(state.validator) }
      : {};
  }

  /**
   * Splits the version a client sent back from a PUT / PATCH body. A number must be a
   * non-negative safe integer and a string a well-formed version; anything else is a 400.
   */
  takeVersion(body: unknown): { body: unknown; version?: string } {
    const field = this.acceptedVersionField;
    if (!field || !isPlainObject(body) || !Object.hasOwn(body, field)) return { body };
    const { [field]: sent, ...rest } = body;
    const version = typeof sent === 'number' && Number.isSafeInteger(sent) && sent >= 0 ? String(sent) : sent;
    if (typeof version !== 'string' || !isWellFormedVersion(version))
      throw new PreconditionError(`"${field}" must be the version you read`, { reason: 'bad_body' });
    return { body: rest, version };
  }

  /** Refuses a top-level field outside the sub-document. */
  #own(field: string | undefined, path: readonly string[]): void {
    if (this.#fields && (field === undefined || !this.#fields.has(field)))
      throw new InvalidChangeError('This resource does not hold that field', {
        reason: 'unknown_field',
        path: path.slice(0, 1),
      });
  }

  /** The ops a PUT of a sub-document makes: its fields set (or unset when absent), and nothing else. */
  replaceOps(value: Row): Op[] {
    const fields = this.#fields as ReadonlySet<string>;
    for (const k of Object.keys(value)) this.#own(k, [k]);
    return [...fields].map((f) =>
      value[f] === undefined || value[f] === null ? unset(f) : set(f, value[f] as JsonValue),
    );
  }

  /** Checks that PATCH ops (already validated by `normalizeOps`) stay inside the sub-document. */
  checkOps(ops: readonly NormalOp[]): void {
    if (!this.#fields) return;
    for (const op of ops) {
      if (op.path.length > 0) this.#own(op.path[0], op.path);
      else if (op.op === 'merge') for (const k of Object.keys(op.value)) this.#own(k, [k]);
      else this.#own(undefined, ['']);
    }
  }
}
