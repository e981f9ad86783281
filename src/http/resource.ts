import type { Collection } from '../core/collection.js';
import { ConflictError } from '../core/errors/conflict-error.js';
import { isNoclobberError } from '../core/errors/noclobber-error.js';
import type { Expect } from '../core/expect.js';
import { isPlainObject } from '../core/json.js';
import { keyString } from '../core/key.js';
import { merge, type Op } from '../core/ops.js';
import type { Key, Row, Snapshot } from '../core/types.js';
import { formatETag, parseEntityTags } from './etag.js';
import { PreconditionError } from './precondition-error.js';
import { expectFromHeaders } from './preconditions.js';
import { problemResponse } from './problem-response.js';
import { parseJson, readBody } from './read-body.js';
import { type IdempotencyOptions, withIdempotency } from './with-idempotency.js';

/** What the audit callback learns about every forced write. */
export interface ForceEvent {
  readonly request: Request;
  readonly resourceId: string;
  readonly key: Key;
  readonly method: string;
  readonly previousVersion: string | undefined;
  readonly version: string | undefined;
  readonly at: string;
}

/** How a versioned resource is served. */
export interface ResourceOptions<T extends object> {
  readonly collection: Collection<T>;
  /** The resource type, part of every ETag (`subscriptions` → ETags bound to `subscriptions/<key>`). */
  readonly name: string;
  /** Answer 428 to PUT / PATCH / DELETE without If-Match / If-None-Match. Default true. */
  readonly requirePrecondition?: boolean;
  /** May a 409 / 412 include the current representation? Default: never. */
  readonly exposeCurrent?: (req: Request) => boolean | Promise<boolean>;
  /** `?force=true` is honoured only when this returns true; never on by default. */
  readonly authorizeForce?: (req: Request) => boolean | Promise<boolean>;
  /** Called for every forced write (required with `authorizeForce`). */
  readonly onForce?: (event: ForceEvent) => unknown;
  /** Largest body accepted, checked before parsing. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** A top-level body field carrying the version the client read (stale → 409, not 412). */
  readonly bodyVersionField?: string;
  /** Idempotency-Key support (IETF httpapi draft). */
  readonly idempotency?: IdempotencyOptions;
}

const json = (status: number, body: unknown, etag?: string) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...(etag ? { etag } : {}) } });

/**
 * Serves one versioned resource over web-standard Request/Response: GET with a strong
 * ETag (304 for a matching If-None-Match), PUT (replace; `If-None-Match: *` creates),
 * PATCH (`application/merge-patch+json` or `application/vnd.noclobber.ops+json`) and
 * DELETE, each as ONE conditional write whose precondition comes from the headers (412
 * when stale) or from a body version field (409 when stale). Errors are problem+json with
 * `currentVersion` and the current `ETag`.
 * @example
 * ```ts
 * const subs = resource({ collection: subscriptions, name: 'subscriptions' });
 * app.all('/subscriptions/:id', (c) => subs(c.req.raw, c.req.param('id')));
 * ```
 */
export function resource<T extends object = Row>(options: ResourceOptions<T>): (req: Request, key: Key) => Promise<Response> {
  if (options.authorizeForce && !options.onForce) throw new TypeError('noclobber/http: authorizeForce needs an onForce audit callback');
  const schema = options.collection.store.schema;
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const idOf = (key: Key) => `${options.name}/${keyString(schema, key)}`;
  const handle = async (req: Request, key: Key, bodyText: string | undefined): Promise<Response> => {
    const resourceId = idOf(key);
    const tag = (s: Snapshot<T>) => formatETag(resourceId, s.version);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const snap = await options.collection.get(key);
      if (!snap) return problemResponse(new ConflictError(`No ${options.name} ${keyString(schema, key)}`, { reason: 'gone', key }));
      const inm = req.headers.get('if-none-match');
      const tags = inm ? parseEntityTags(inm) : undefined;
      if (tags === '*' || tags?.some((t) => `"${t.opaque}"` === tag(snap))) return new Response(null, { status: 304, headers: { etag: tag(snap) } });
      return json(200, req.method === 'HEAD' ? undefined : snap.value, tag(snap));
    }
    if (!['PUT', 'PATCH', 'DELETE'].includes(req.method)) return new Response(null, { status: 405, headers: { allow: 'GET, HEAD, PUT, PATCH, DELETE' } });
    let source: 'header' | 'body' = 'header';
    try {
      const force = new URL(req.url).searchParams.get('force') === 'true';
      if (force && !(await options.authorizeForce?.(req))) throw new PreconditionError('force is not allowed for this caller', { reason: 'force_forbidden' });
      // With a body version field, a PUT / PATCH may carry its precondition in the body instead.
      const bodyMayCarry = Boolean(options.bodyVersionField) && req.method !== 'DELETE';
      let { expect } = expectFromHeaders(req.headers, resourceId, { require: !force && (options.requirePrecondition ?? true) && !bodyMayCarry });
      let body: unknown;
      if (req.method === 'PATCH') mediaType(req);
      if (req.method !== 'DELETE') {
        body = parseJson(bodyText ?? (await readBody(req, limit)));
        const field = options.bodyVersionField;
        if (field && isPlainObject(body) && field in body) {
          const { [field]: version, ...rest } = body;
          if (expect.version !== undefined && String(version) !== expect.version)
            throw new PreconditionError('If-Match and the body name different versions', { reason: 'ambiguous' });
          if (expect.version === undefined) source = 'body';
          expect = { ...expect, version: String(version) };
          body = rest;
        } else if (field && !force && expect.version === undefined && !expect.absent && !expect.exists && (options.requirePrecondition ?? true)) {
          throw new PreconditionError(`Send If-Match or the "${field}" you read`, { reason: 'required' });
        }
      }
      if (force) expect = expect.absent ? expect : { exists: true };
      const snap = await write(options.collection, req, key, body, expect, force);
      if (force) {
        await options.onForce?.({
          request: req,
          resourceId,
          key,
          method: req.method,
          previousVersion: snap?.previous?.version,
          version: snap?.version,
          at: new Date().toISOString(),
        });
      }
      if (req.method === 'DELETE') return new Response(null, { status: 204 });
      return json(expect.absent ? 201 : 200, snap?.value, snap ? tag(snap) : undefined);
    } catch (e) {
      if (!isNoclobberError(e)) throw e;
      const current = e instanceof ConflictError || 'current' in e ? (e as { current?: Snapshot<T> }).current : undefined;
      const headers = current ? { etag: tag(current) } : undefined;
      const extra = current && (await options.exposeCurrent?.(req)) ? { current: current.value } : undefined;
      const status = e instanceof ConflictError && e.reason === 'stale' ? (source === 'header' ? 412 : 409) : e.httpStatus;
      return problemResponse(e, { status, ...(headers ? { headers } : {}), ...(extra ? { extra } : {}) });
    }
  };
  return (req, key) => (options.idempotency ? withIdempotency(options.idempotency, req, limit, (text) => handle(req, key, text)) : handle(req, key, undefined));
}

async function write<T extends object>(
  c: Collection<T>,
  req: Request,
  key: Key,
  body: unknown,
  expect: Expect,
  force: boolean,
): Promise<Snapshot<T> | undefined> {
  const returnPrevious = force;
  if (req.method === 'DELETE') {
    await c.delete(key, { expect: Object.keys(expect).length ? expect : { exists: true } });
    return undefined;
  }
  if (req.method === 'PUT') {
    if (!isPlainObject(body)) throw new PreconditionError('PUT needs a JSON object', { reason: 'bad_body' });
    if (expect.absent) return c.create(key, body as T);
    return c.replace(key, body as T, { expect: Object.keys(expect).length ? expect : { exists: true }, returnPrevious } as never);
  }
  let ops: Op[];
  if (mediaType(req) === 'merge') {
    if (!isPlainObject(body)) throw new PreconditionError('A merge patch must be a JSON object', { reason: 'bad_body' });
    ops = [merge('', body)];
  } else ops = body as Op[];
  return c.apply(key, ops, { expect, returnPrevious });
}

/** The PATCH format, from Content-Type; anything else is 415 before the body is read. */
function mediaType(req: Request): 'merge' | 'ops' {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/vnd.noclobber.ops+json') return 'ops';
  throw new PreconditionError('PATCH takes application/merge-patch+json or application/vnd.noclobber.ops+json', { reason: 'unsupported_media_type' });
}
