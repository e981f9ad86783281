import { isPlainObject } from '../core/json.js';
import { FORBIDDEN_KEYS } from '../core/path.js';

/** How a resource talks HTTP: transport and the server's version conventions. */
export interface WireOptions {
  readonly fetch?: typeof fetch;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A top-level body field carrying the version besides (or instead of) the ETag, as seed
   * 003's API does (`version`). Read from every response body (and kept out of the value),
   * and sent back in every write body. Default: none, the ETag alone.
   */
  readonly versionField?: string;
  /**
   * Send the ETag read as `If-Match` on writes. Default true. `false` conditions writes on
   * the body version alone (`versionField`, required then), as seed 003's clients do: a
   * stale version is then the server's 409 (with `conflictCode`), not a 412.
   */
  readonly ifMatch?: boolean;
  /**
   * The problem `code` that marks a 409 as "the version moved" (`CONFLICT_VERSION_MISMATCH`).
   * Default: none — every 409 and 412 is a version conflict. A 412 always is.
   */
  readonly conflictCode?: string;
}

/** A version as the server spelled it (a body field keeps its JSON type). */
export type Version = string | number;

/** What came back: status, the value without the version field, and the version. */
export interface WireResponse {
  readonly status: number;
  readonly etag: string | undefined;
  readonly version: Version | undefined;
  /** The parsed body (the problem document on errors). */
  readonly body: unknown;
  /** The body without the version field. */
  readonly value: unknown;
}

/** A request to make, conditioned on what the client read. */
export interface WireRequest {
  readonly method: 'GET' | 'PUT' | 'PATCH';
  readonly body?: unknown;
  readonly contentType?: string;
  readonly etag?: string | undefined;
  readonly version?: Version | undefined;
}

/**
 * Parses JSON, dropping own `__proto__` / `constructor` / `prototype` keys at any depth: a
 * hostile or buggy server cannot plant them in values the client merges and resends.
 * @example
 * ```ts
 * parseJsonSafely('{"__proto__":{"admin":true},"a":1}'); // { a: 1 }
 * ```
 */
export function parseJsonSafely(text: string): unknown {
  return JSON.parse(text, (k, v) => (FORBIDDEN_KEYS.has(k) ? undefined : v));
}

/**
 * Sends one request: `If-Match` when an ETag is known (unless `ifMatch: false`), the
 * version field in an object body when configured, and reads the ETag and the version
 * field back.
 * @example
 * ```ts
 * const r = await exchange('/tenants/1/draft', {}, { method: 'PATCH', body: { title: 'x' }, contentType: 'application/merge-patch+json', etag });
 * ```
 */
export async function exchange(url: string, options: WireOptions, req: WireRequest): Promise<WireResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body = req.body;
  const field = options.versionField;
  if (field && req.version !== undefined && isPlainObject(body)) body = { ...body, [field]: req.version };
  if (body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
  if (req.etag && options.ifMatch !== false) headers['if-match'] = req.etag;
  const res = await (options.fetch ?? fetch)(url, {
    method: req.method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? parseJsonSafely(text) : undefined;
  } catch {
    parsed = undefined; // a non-JSON error page: the status says enough
  }
  let value = parsed;
  let version: Version | undefined;
  if (field && res.ok && isPlainObject(parsed) && field in parsed) {
    const { [field]: v, ...rest } = parsed;
    if (typeof v === 'string' || typeof v === 'number') version = v;
    value = rest;
  }
  return { status: res.status, etag: res.headers.get('etag') ?? undefined, version, body: parsed, value };
}

/**
 * True when the response says the version moved: 412, or 409 (with `conflictCode`, only a
 * 409 whose problem `code` is that one).
 * @example
 * ```ts
 * isVersionConflict(r, { conflictCode: 'CONFLICT_VERSION_MISMATCH' });
 * ```
 */
export function isVersionConflict(r: WireResponse, options: WireOptions): boolean {
  if (r.status === 412) return true;
  if (r.status !== 409) return false;
  return options.conflictCode === undefined || (isPlainObject(r.body) && r.body.code === options.conflictCode);
}
