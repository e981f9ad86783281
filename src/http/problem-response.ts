import type { NoclobberError } from '../core/errors/noclobber-error.js';
import { isWellFormedVersion } from './etag.js';

/** Members of a problem that carry library-chosen text, never input. */
const FIXED = new Set(['type', 'title', 'status', 'code', 'retryable', 'current']);

// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text that may quote input, made safe for a problem document: cut to `max` characters
 * (then `…`) and its control characters (and U+2028/2029) escaped as `\uXXXX`. Every
 * problem `problemResponse` makes is cleaned this way; use it for problems of your own.
 * @example
 * ```ts
 * detail: `"${problemText(name, 40)}" is not a variable name`, // ≤ 40 characters, one line
 * ```
 */
export function problemText(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sanitize(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (FIXED.has(k)) out[k] = v;
    else if (k === 'expectedVersion' || k === 'currentVersion') {
      if (typeof v === 'string' && isWellFormedVersion(v)) out[k] = v;
    } else if (typeof v === 'string') out[k] = problemText(v, k === 'detail' ? 300 : 120);
    else if (Array.isArray(v)) out[k] = v.slice(0, 32).map((x) => (typeof x === 'string' ? problemText(x, 120) : x));
    else out[k] = v;
  }
  return out;
}

/**
 * An `application/problem+json` response (RFC 9457) for a noclobber error. Text that may
 * quote the request (`detail`, a `path`) is cut short and its control characters escaped,
 * and a version is named only when it is well-formed, so a problem never echoes input
 * verbatim.
 * @example
 * ```ts
 * return problemResponse(err, { status: 412, headers: { etag: currentTag } });
 * ```
 */
export function problemResponse(
  error: NoclobberError,
  options: { status?: number; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): Response {
  const status = options.status ?? error.httpStatus;
  const body = sanitize({ ...error.toProblem(), status, ...options.extra });
  const headers = new Headers({ 'content-type': 'application/problem+json', ...options.headers });
  if (error.retryable && status === 503) headers.set('retry-after', '1');
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * The answer to any error that is not a noclobber error: a generic `500` problem that
 * names nothing of it — no message, SQL, driver text, stack or file path. Log the error
 * yourself (the resource's `onError` receives it).
 * @example
 * ```ts
 * app.onError((e) => (isNoclobberError(e) ? problemResponse(e) : internalErrorResponse()));
 * ```
 */
export function internalErrorResponse(): Response {
  const body = {
    type: 'urn:noclobber:problem:internal',
    title: 'Internal server error',
    status: 500,
    code: 'internal',
    retryable: false,
  };
  return new Response(JSON.stringify(body), { status: 500, headers: { 'content-type': 'application/problem+json' } });
}
