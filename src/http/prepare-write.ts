import { isPlainObject } from '../core/json.js';
import { normalizeOps } from '../core/normalize.js';
import { merge, type Op } from '../core/ops.js';
import type { Row } from '../core/types.js';
import type { WriteIntent } from './conditional-write.js';
import { PreconditionError } from './precondition-error.js';
import { hasWritePrecondition, parseConditions, type RequestConditions } from './preconditions.js';
import { parseJson, readBody } from './read-body.js';
import type { ServeResourceOptions } from './resource-options.js';
import type { ResourceView } from './resource-view.js';

/** The media types PATCH takes, announced in `Accept-Patch` (RFC 5789 §3.1). */
export const PATCH_TYPES = 'application/merge-patch+json, application/vnd.noclobber.ops+json';

/** An unsafe request, checked and parsed, ready to be written. */
export interface PreparedWrite {
  readonly intent: WriteIntent;
  readonly conditions: RequestConditions;
  readonly bodyVersion?: string | undefined;
  readonly force: boolean;
  /** The body as received, for the Idempotency-Key fingerprint. */
  readonly bodyText: string;
}

function unsupported(message: string): PreconditionError {
  return new PreconditionError(message, { reason: 'unsupported_media_type' });
}

/** The body's media type, refused (415) unless the method takes it; charset must be UTF-8 when named. */
function bodyFormat(req: Request): 'json' | 'merge' | 'ops' {
  const [type = '', ...params] = (req.headers.get('content-type') ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8') throw unsupported('Bodies are UTF-8 JSON');
  if (req.method === 'PUT') {
    if (type === 'application/json') return 'json';
    throw unsupported('PUT takes application/json');
  }
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/vnd.noclobber.ops+json') return 'ops';
  throw unsupported('PATCH takes application/merge-patch+json or application/vnd.noclobber.ops+json');
}

function intentOf<T extends object>(
  format: 'json' | 'merge' | 'ops',
  body: unknown,
  options: ServeResourceOptions<T>,
  view: ResourceView<T>,
): WriteIntent {
  if (format === 'json') {
    if (!isPlainObject(body)) throw new PreconditionError('PUT needs a JSON object', { reason: 'bad_body' });
    return view.fields ? { kind: 'ops', ops: view.replaceOps(body as Row) } : { kind: 'put', value: body as Row };
  }
  let ops: Op[];
  if (format === 'merge') {
    if (!isPlainObject(body))
      throw new PreconditionError('A merge patch must be a JSON object', { reason: 'bad_body' });
    ops = [merge('', body)];
  } else ops = body as Op[];
  // A sub-document's PATCH may touch only its own fields; the collection validates everything else.
  if (view.fields) view.checkOps(normalizeOps(ops, options.collection.store.schema));
  return { kind: 'ops', ops };
}

/**
 * Checks and parses an unsafe request before anything is written or claimed: a `force`
 * the caller may not use (403), malformed preconditions (400), the media type (415), the
 * body (413, 400), the version it carries, and a missing precondition (428). Each refusal
 * here is decided by the request alone, so none is stored for Idempotency-Key replay.
 * @example
 * ```ts
 * const prepared = await prepareWrite(req, context, options, view, 'subscriptions/42');
 * ```
 */
export async function prepareWrite<T extends object>(
  req: Request,
  context: unknown,
  options: ServeResourceOptions<T>,
  view: ResourceView<T>,
  resourceId: string,
): Promise<PreparedWrite> {
  const force = new URL(req.url).searchParams.get('force') === 'true';
  if (force && !(await options.authorizeForce?.(req, context)))
    throw new PreconditionError('force is not allowed for this caller', { reason: 'force_forbidden' });
  const conditions = parseConditions(req.headers, resourceId, { method: req.method, dates: view.hasDates });
  const required = !force && (options.requirePrecondition ?? true);
  const field = view.acceptedVersionField;
  const missing = () =>
    new PreconditionError(
      field
        ? `This resource needs If-Match or the "${field}" you read (or If-None-Match: * to create)`
        : 'This resource needs If-Match (or If-None-Match: * to create): send the ETag you read',
      { reason: 'required' },
    );
  if (req.method === 'DELETE') {
    if (required && !hasWritePrecondition(conditions)) throw missing();
    return { intent: { kind: 'delete' }, conditions, force, bodyText: '' };
  }
  const format = bodyFormat(req);
  if (required && !field && !hasWritePrecondition(conditions)) throw missing();
  const bodyText = await readBody(req, options.maxBodyBytes ?? 1024 * 1024);
  const taken = view.takeVersion(parseJson(bodyText));
  const bodyVersion = taken.version;
  if (bodyVersion !== undefined) {
    if (conditions.ifNoneMatch?.any)
      throw new PreconditionError('If-None-Match: * creates, but the body names a version of a record that exists', {
        reason: 'ambiguous',
      });
    const named = conditions.ifMatch && !conditions.ifMatch.any ? conditions.ifMatch.versions : undefined;
    if (named && !named.includes(bodyVersion))
      throw new PreconditionError('If-Match and the body name different versions', { reason: 'ambiguous' });
  } else if (required && !hasWritePrecondition(conditions)) throw missing();
  return { intent: intentOf(format, taken.body, options, view), conditions, bodyVersion, force, bodyText };
}
