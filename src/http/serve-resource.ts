import { ConflictError } from '../core/errors/conflict-error.js';
import { isNoclobberError, type NoclobberError } from '../core/errors/noclobber-error.js';
import { keyString } from '../core/key.js';
import { canJoin, type Tx } from '../core/tx.js';
import type { Key, Row, Snapshot } from '../core/types.js';
import { conditionalWrite, failedRefusal, Refusal, type WriteTarget, type Written } from './conditional-write.js';
import { evaluatePreconditions, type RepresentationState } from './evaluate-preconditions.js';
import { checkForceAudit, writeForceAudit } from './force-audit.js';
import { formatHttpDate } from './http-date.js';
import type { StoredResponse } from './idempotency.js';
import { parseIdempotencyKey } from './idempotency-key.js';
import { PreconditionError } from './precondition-error.js';
import { parseConditions } from './preconditions.js';
import { PATCH_TYPES, type PreparedWrite, prepareWrite } from './prepare-write.js';
import { internalErrorResponse, problemResponse } from './problem-response.js';
import type { ForceEvent, ResourceHandler, ResourceMethod, ServeResourceOptions } from './resource-options.js';
import { ResourceView } from './resource-view.js';
import {
  credentialScope,
  type HeldKey,
  IdempotencyError,
  requestFingerprint,
  withIdempotency,
} from './with-idempotency.js';

const SAFE = new Set(['GET', 'HEAD']);

/**
 * A noclobber error the client can act on (a refusal, a conflict, a 503 to retry), answered
 * as its problem. A 500 one — the database refused the statement (`DatabaseError`, whose
 * message quotes the driver), a store that cannot join, a failed after-commit callback — is
 * the server's own failure: like any other error it gets the generic 500 and `onError`.
 */
function answerable(e: unknown): e is NoclobberError {
  return isNoclobberError(e) && e.httpStatus !== 500;
}

function methodsOf(options: {
  readonly methods?: readonly ResourceMethod[] | undefined;
  readonly fields?: readonly string[] | undefined;
}): readonly ResourceMethod[] {
  const methods = options.methods ?? (options.fields ? ['GET', 'PUT', 'PATCH'] : ['GET', 'PUT', 'PATCH', 'DELETE']);
  if (options.fields && methods.includes('DELETE'))
    throw new TypeError('noclobber/http: a sub-document (`fields`) cannot be deleted on its own');
  return methods;
}

/** A stored answer as a Response (replays build theirs the same way). */
function toResponse(answer: StoredResponse): Response {
  return new Response(answer.body || null, { status: answer.status, headers: answer.headers as [string, string][] });
}

/** What the audit entry of a forced write is made from. A delete returns the record it deleted: its version is the previous one. */
function forceEvent(req: Request, context: unknown, resourceId: string, key: Key, snap: Snapshot<unknown>): ForceEvent {
  const deleted = req.method === 'DELETE';
  return {
    request: req,
    context,
    resourceId,
    key,
    method: req.method,
    previousVersion: deleted ? snap.version : snap.previous?.version,
    version: deleted ? undefined : snap.version,
    at: new Date().toISOString(),
  };
}

/** The body of a HEAD answer is the GET answer's headers with no content (RFC 9110 §9.3.2). */
async function headOf(res: Response): Promise<Response> {
  const headers = new Headers(res.headers);
  if (res.body && res.status !== 204 && res.status !== 304)
    headers.set('content-length', String((await res.arrayBuffer()).byteLength));
  return new Response(null, { status: res.status, headers });
}

/**
 * Serves one versioned resource over web-standard Request/Response. GET / HEAD send the
 * representation with a strong ETag (and `Last-Modified` when configured); PUT replaces
 * (`If-None-Match: *` creates), PATCH takes `application/merge-patch+json` or
 * `application/vnd.noclobber.ops+json`, DELETE deletes — each ONE conditional write whose
 * preconditions (`If-Match`, `If-None-Match`, `If-Unmodified-Since`, a body version) are
 * judged as RFC 9110 §13.2.2 orders them and atomically with the write. OPTIONS and 405
 * carry `Allow` (and `Accept-Patch`). Refusals are problem+json with the current ETag;
 * any other error is a generic 500 that names nothing of it. What must commit with the
 * write commits in its transaction: a forced write's audit entry (`audit`), and the
 * Idempotency-Key's stored response when the keys live in the same database.
 * @example
 * ```ts
 * const subs = serveResource({ collection: subscriptions, name: 'subscriptions' });
 * app.all('/subscriptions/:id', (c) => subs(c.req.raw, c.req.param('id'), c));
 * ```
 */
export function serveResource<T extends object = Row>(options: ServeResourceOptions<T>): ResourceHandler {
  checkForceAudit(options.collection, options);
  const audit = options.audit;
  const keys = options.idempotency?.store.collection;
  // Keys kept where the records are complete in the write's own transaction; elsewhere, after it.
  const keysInWrite = keys !== undefined && canJoin(options.collection.store, keys.store);
  const bodyVersion = typeof options.bodyVersion === 'string' ? { field: options.bodyVersion } : options.bodyVersion;
  const view = new ResourceView<T>({
    fields: options.fields,
    etag: options.etag,
    bodyVersion,
    lastModified: options.lastModified,
  });
  const methods = methodsOf(options);
  const allow = [...methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])), 'OPTIONS'].join(', ');
  const accepts: Record<string, string> = methods.includes('PATCH') ? { 'accept-patch': PATCH_TYPES } : {};
  const schema = options.collection.store.schema;
  const idOf = (key: Key) => `${options.name}/${keyString(schema, key)}`;

  const validators = (resourceId: string, state: RepresentationState): Record<string, string> => ({
    etag: view.etag(resourceId, state),
    ...(state.lastModified === undefined ? {} : { 'last-modified': formatHttpDate(state.lastModified) }),
  });
  const represent = (status: number, snap: Snapshot<T>, state: RepresentationState, resourceId: string) =>
    new Response(JSON.stringify(view.body(snap, state)), {
      status,
      headers: { 'content-type': 'application/json', ...validators(resourceId, state) },
    });

  /** The 2xx answer to a write, in the form an Idempotency-Key stores. */
  const answerOf = async (method: string, written: Written<T>, resourceId: string): Promise<StoredResponse> => {
    if (method === 'DELETE') return { status: 204, headers: [], body: '' };
    const state = await view.state(written.snapshot);
    const headers = new Headers({ 'content-type': 'application/json', ...validators(resourceId, state) });
    return {
      status: written.created ? 201 : 200,
      headers: [...headers.entries()],
      body: JSON.stringify(view.body(written.snapshot, state)),
    };
  };

  /** A problem for a refusal: the current ETag, and the current body only when the caller may see it. */
  const refusal = async (
    req: Request,
    context: unknown,
    resourceId: string,
    error: NoclobberError,
    status: number,
    current?: Snapshot<T>,
  ) => {
    const state = current && (await view.state(current));
    const headers: Record<string, string> = state ? validators(resourceId, state) : {};
    if (error instanceof PreconditionError && error.reason === 'unsupported_media_type')
      Object.assign(headers, accepts);
    const versionMismatch =
      (error instanceof ConflictError && error.reason === 'stale') ||
      (error instanceof PreconditionError && error.reason === 'failed');
    const extra: Record<string, unknown> = {
      ...(state ? { currentVersion: state.validator, ...view.problemVersion(state) } : {}),
      ...(versionMismatch && options.conflictCode ? { code: options.conflictCode } : {}),
      ...(current && state && (await options.exposeCurrent?.(req, context))
        ? { current: view.body(current, state) }
        : {}),
    };
    return problemResponse(error, { status, headers, extra });
  };

  const read = async (req: Request, key: Key, context: unknown): Promise<Response> => {
    const resourceId = idOf(key);
    const conditions = parseConditions(req.headers, resourceId, { method: req.method, dates: view.hasDates });
    const snap = await options.collection.get(key);
    const state = snap && (await view.state(snap));
    const o = evaluatePreconditions(conditions, state, req.method);
    if (!snap || !state || o.outcome === 'not_found')
      return refusal(
        req,
        context,
        resourceId,
        new ConflictError(`No ${options.name} with that key`, { reason: 'gone', key }),
        404,
      );
    if (o.outcome === 'not_modified')
      return new Response(null, { status: 304, headers: validators(resourceId, state) });
    if (o.outcome === 'failed') {
      const r = failedRefusal(o, conditions, key, snap, state);
      return refusal(req, context, resourceId, r.error, r.status, snap);
    }
    return represent(200, snap, state, resourceId);
  };

  /**
   * The write itself, answered: what Idempotency-Key stores (2xx) or releases (anything
   * else). A forced write and its audit entry, and a write and its key's stored response
   * (`held`), are one transaction; a plain write is one autocommit statement.
   */
  const commit = async (
    req: Request,
    key: Key,
    context: unknown,
    prepared: PreparedWrite,
    held?: HeldKey,
  ): Promise<Response> => {
    const resourceId = idOf(key);
    const writeAndAnswer = async (target: WriteTarget<T>, tx?: Tx<T>): Promise<StoredResponse> => {
      const written = await conditionalWrite({ target, key, method: req.method, view, ...prepared });
      if (prepared.force) {
        if (!tx || !audit) throw new TypeError('noclobber/http: a forced write needs its audit transaction');
        await writeForceAudit(tx, audit, forceEvent(req, context, resourceId, key, written.snapshot));
      }
      const answer = await answerOf(req.method, written, resourceId);
      if (held && tx) await held.completeIn(tx, answer);
      return answer;
    };
    try {
      const together = prepared.force || held !== undefined;
      // READ COMMITTED: the write stays the one conditional statement it is outside a transaction.
      const answer = together
        ? await options.collection.transact((tx) => writeAndAnswer(tx, tx), { isolation: 'read committed' })
        : await writeAndAnswer(options.collection);
      return toResponse(answer);
    } catch (e) {
      if (e instanceof Refusal)
        return refusal(req, context, resourceId, e.error, e.status, e.current as Snapshot<T> | undefined);
      if (answerable(e))
        return refusal(req, context, resourceId, e, e.httpStatus, (e as { current?: Snapshot<T> }).current);
      throw e;
    }
  };

  const write = async (req: Request, key: Key, context: unknown): Promise<Response> => {
    const rawKey = options.idempotency ? req.headers.get('idempotency-key') : null;
    const idempotencyKey = rawKey === null ? undefined : parseIdempotencyKey(rawKey);
    if (rawKey !== null && idempotencyKey === undefined)
      return problemResponse(
        new IdempotencyError('Idempotency-Key must be a quoted string of 1-255 characters, e.g. "8e03978e-40d5"', 400),
      );
    const prepared = await prepareWrite(req, context, options, view, idOf(key));
    if (!options.idempotency || idempotencyKey === undefined) return commit(req, key, context, prepared);
    const scope = await (options.idempotency.scope ?? credentialScope)(req, context);
    const fingerprint = await requestFingerprint(req, prepared.bodyText);
    return withIdempotency(options.idempotency, { id: idempotencyKey, scope, fingerprint }, (held) =>
      commit(req, key, context, prepared, keysInWrite ? held : undefined),
    );
  };

  const dispatch = async (req: Request, key: Key, context: unknown): Promise<Response> => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow, ...accepts } });
    const served = SAFE.has(req.method) ? methods.includes('GET') : methods.includes(req.method as ResourceMethod);
    if (!served) {
      const body = {
        type: 'urn:noclobber:problem:method_not_allowed',
        title: 'Method not allowed',
        status: 405,
        code: 'method_not_allowed',
        retryable: false,
      };
      return new Response(JSON.stringify(body), {
        status: 405,
        headers: { allow, 'content-type': 'application/problem+json', ...accepts },
      });
    }
    try {
      return SAFE.has(req.method) ? await read(req, key, context) : await write(req, key, context);
    } catch (e) {
      if (answerable(e)) return refusal(req, context, idOf(key), e, e.httpStatus);
      throw e;
    }
  };

  return async function noclobberResource(req, key, context) {
    try {
      const res = await dispatch(req, key, context);
      return req.method === 'HEAD' ? await headOf(res) : res;
    } catch (e) {
      (options.onError ?? ((error) => console.error('noclobber/http: unhandled error', error)))(e, req);
      return internalErrorResponse();
    }
  };
}
