import { type EntityTag, parseEntityTags, taggedVersion, versionOf } from './etag.js';
import { parseHttpDate } from './http-date.js';
import { PreconditionError } from './precondition-error.js';

/** An `If-Match` / `If-None-Match` condition: `*`, or the versions of THIS resource its tags name. */
export type TagCondition =
  | { readonly any: true }
  | {
      readonly any?: false;
      /** Versions of this resource named by the tags (strong tags only for If-Match). */
      readonly versions: readonly string[];
      /** Why the other tags can never match: all weak, or none of this resource. */
      readonly unmatched?: 'weak' | 'foreign';
    };

/**
 * A request's preconditions (RFC 9110 §13.1), parsed once and judged by
 * `evaluatePreconditions` in §13.2.2's order. Dates are whole seconds since the epoch and
 * are present only when the rules let them count: `ifUnmodifiedSince` without `If-Match`,
 * `ifModifiedSince` on GET / HEAD without `If-None-Match`, both only when the resource has
 * modification dates, and never when the date is not a valid HTTP-date.
 */
export interface RequestConditions {
  readonly ifMatch?: TagCondition;
  readonly ifNoneMatch?: TagCondition;
  readonly ifUnmodifiedSince?: number;
  readonly ifModifiedSince?: number;
}

/** Shortens and escapes header text quoted in a problem, so a problem never echoes input verbatim. */
export function quoted(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function tags(header: string, value: string): '*' | EntityTag[] {
  const parsed = parseEntityTags(value);
  if (parsed === undefined)
    throw new PreconditionError(`Malformed ${header}: ${quoted(value)}`, { reason: 'malformed' });
  return parsed;
}

/**
 * Parses `If-Match`, `If-None-Match`, `If-Unmodified-Since` and `If-Modified-Since` for a
 * resource. `If-Match` keeps only strong tags of this resource (strong comparison),
 * `If-None-Match` any tag of this resource (weak comparison); a tag of another resource
 * can never match. A malformed entity-tag list is a 400: ignoring it could turn a guarded
 * write into a blind one. A malformed date is ignored, as §13.1.3–4 require.
 * @example
 * ```ts
 * parseConditions(req.headers, 'subscriptions/42', { method: 'PUT', dates: false });
 * // { ifMatch: { versions: ['7', '8'] } }
 * ```
 */
export function parseConditions(
  headers: Headers,
  resourceId: string,
  options: { method: string; dates: boolean },
): RequestConditions {
  const safe = options.method === 'GET' || options.method === 'HEAD';
  const out: { -readonly [K in keyof RequestConditions]: RequestConditions[K] } = {};
  const ifMatch = headers.get('if-match');
  if (ifMatch !== null) {
    const list = tags('If-Match', ifMatch);
    if (list === '*') out.ifMatch = { any: true };
    else {
      const versions = [
        ...new Set(list.map((t) => versionOf(t, resourceId)).filter((v): v is string => v !== undefined)),
      ];
      out.ifMatch =
        versions.length > 0 ? { versions } : { versions, unmatched: list.every((t) => t.weak) ? 'weak' : 'foreign' };
    }
  }
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    const list = tags('If-None-Match', ifNoneMatch);
    out.ifNoneMatch =
      list === '*'
        ? { any: true }
        : {
            versions: [
              ...new Set(list.map((t) => taggedVersion(t, resourceId)).filter((v): v is string => v !== undefined)),
            ],
          };
  }
  if (options.dates) {
    const ius = headers.get('if-unmodified-since');
    const since = ius === null || ifMatch !== null ? undefined : parseHttpDate(ius);
    if (since !== undefined) out.ifUnmodifiedSince = since;
    const ims = headers.get('if-modified-since');
    const modified = ims === null || ifNoneMatch !== null || !safe ? undefined : parseHttpDate(ims);
    if (modified !== undefined) out.ifModifiedSince = modified;
  }
  return out;
}

/**
 * True when the request carries a precondition that guards a write (so no 428 is due).
 * `If-Modified-Since` never does: it is ignored on unsafe methods.
 * @example
 * ```ts
 * hasWritePrecondition({ ifMatch: { any: true } }); // true
 * ```
 */
export function hasWritePrecondition(c: RequestConditions): boolean {
  return c.ifMatch !== undefined || c.ifNoneMatch !== undefined || c.ifUnmodifiedSince !== undefined;
}
