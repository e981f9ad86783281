import type { Collection } from '../core/collection.js';
import type { Key, Row, Snapshot } from '../core/types.js';
import type { ForceAudit } from './force-audit.js';
import type { BodyVersionOptions } from './resource-view.js';
import type { IdempotencyOptions } from './with-idempotency.js';

/** What the audit entry of a forced write is made from (`audit.entry`). */
export interface ForceEvent {
  readonly request: Request;
  /** What the adapter passed: Hono's context, Express's or Fastify's request. */
  readonly context: unknown;
  readonly resourceId: string;
  readonly key: Key;
  readonly method: string;
  /** The version the forced write replaced (undefined when it created the record). */
  readonly previousVersion: string | undefined;
  /** The version it wrote (undefined for a delete). */
  readonly version: string | undefined;
  /** When, as an ISO-8601 string. */
  readonly at: string;
}

/** A method a resource can serve (HEAD comes with GET, OPTIONS always). */
export type ResourceMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A resource's handler: a web-standard Request and the record's key in, a Response out.
 * `context` is handed to the callbacks (`authorizeForce`, `exposeCurrent`, the
 * idempotency `scope`): the adapters pass Hono's context, Express's or Fastify's request.
 */
export type ResourceHandler = (req: Request, key: Key, context?: unknown) => Promise<Response>;

/** How a versioned resource is served. */
export interface ServeResourceOptions<T extends object = Row> {
  readonly collection: Collection<T>;
  /** The resource type, part of every ETag (`subscriptions` → ETags bound to `subscriptions/<key>`). */
  readonly name: string;
  /**
   * The methods served; others get 405 with `Allow`. Default GET, PUT, PATCH, DELETE
   * (without DELETE for a sub-document).
   */
  readonly methods?: readonly ResourceMethod[];
  /** Answer 428 to PUT / PATCH / DELETE without If-Match / If-None-Match / a body version. Default true. */
  readonly requirePrecondition?: boolean;
  /** May a 409 / 412 include the current representation? Default: never. */
  readonly exposeCurrent?: (req: Request, context: unknown) => boolean | Promise<boolean>;
  /**
   * `?force=true` (no precondition judged) is honoured only when this returns true; never on
   * by default. Requires `audit`.
   */
  readonly authorizeForce?: (req: Request, context: unknown) => boolean | Promise<boolean>;
  /**
   * Where every forced write is recorded: `{ collection, entry }`, a collection of the same
   * database. The entry is written in the forced write's own transaction (DynamoDB: the same
   * `TransactWriteItems`); if it cannot be written, neither is the record (500, `AuditError`).
   */
  readonly audit?: ForceAudit<object>;
  /** Largest body accepted, checked before parsing. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The version in bodies as well as in the ETag: a field name, or `{ field, send, accept }`.
   * Sent in every representation (a number for integer versions) and taken back from PUT /
   * PATCH bodies, where a stale one is 409 (not 412). Default: the ETag only.
   */
  readonly bodyVersion?: string | BodyVersionOptions;
  /**
   * The problem `code` of a version mismatch (a stale body version or `If-Match`, a failed
   * `If-None-Match` / `If-Unmodified-Since`), e.g. `CONFLICT_VERSION_MISMATCH`. Default: the
   * error's own code (`conflict`, `precondition`).
   */
  readonly conflictCode?: string;
  /**
   * Serve a sub-document: only these top-level fields of the record are shown and written.
   * PUT sets exactly these fields (absent ones become null) and PATCH may touch only them,
   * so a write here never reverts another column of the row. Its validator is `etag`.
   */
  readonly fields?: readonly string[];
  /**
   * What the ETag names. `version` (default): the collection's version — bind the
   * collection with the sub-document's own version column (seed 002's
   * `landingPageConfigDraftVersion`) and only writes of the sub-document move it; bound
   * with the row's version, every change of the row moves it (safe, but other columns'
   * writes then fail the sub-document's If-Match). `content`: a hash of the sub-document's
   * fields, which moves exactly when they change; writes are pinned to the row version
   * read, so still atomic.
   */
  readonly etag?: 'version' | 'content';
  /**
   * Send `Last-Modified` and judge `If-Unmodified-Since` / `If-Modified-Since` (RFC 9110
   * §13.1.3–4; ignored when the entity-tag headers are present). `version` reads it from a
   * timestamp version (PostgreSQL / DynamoDB `versionKind: 'timestamp'`), or give a function.
   * HTTP dates have one-second resolution: two writes in one second are not told apart by
   * `If-Unmodified-Since`, so clients should prefer `If-Match`.
   */
  readonly lastModified?: 'version' | ((snapshot: Snapshot<T>) => Date | number | undefined);
  /** Idempotency-Key support (IETF httpapi draft). */
  readonly idempotency?: IdempotencyOptions;
  /**
   * Learns every error that is not a noclobber error (the client gets a generic 500
   * problem naming nothing of it). Default: `console.error`.
   */
  readonly onError?: (error: unknown, req: Request) => void;
}
