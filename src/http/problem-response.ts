import type { NoclobberError } from '../core/errors/noclobber-error.js';

/**
 * An `application/problem+json` response (RFC 9457) for a noclobber error.
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
  const body = { ...error.toProblem(), status, ...options.extra };
  const headers = new Headers({ 'content-type': 'application/problem+json', ...options.headers });
  if (error.retryable && status === 503) headers.set('retry-after', '1');
  return new Response(JSON.stringify(body), { status, headers });
}
