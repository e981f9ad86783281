import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import type { Row } from '../../core/types.js';
import { internalErrorResponse, problemResponse } from '../../http/problem-response.js';
import type { ServeResourceOptions } from '../../http/resource-options.js';
import { serveResource } from '../../http/serve-resource.js';

/** The part of Hono's context this adapter uses (typed structurally). */
export interface HonoContextLike {
  readonly req: { readonly raw: Request; param(name: string): string | undefined };
  error?: unknown;
  res: Response;
}

/**
 * A Hono handler serving a versioned resource (`c.req.param(param)` is the key; the
 * context `c` reaches `authorizeForce`, `exposeCurrent` and the idempotency `scope`).
 * Mount it with `app.all` so it answers every method: OPTIONS, 405 with `Allow`, and HEAD.
 * @example
 * ```ts
 * app.all('/subscriptions/:id', honoResource({ collection: subs, name: 'subscriptions' }));
 * ```
 */
export function honoResource<T extends object = Row>(
  options: ServeResourceOptions<T>,
  param = 'id',
): (c: HonoContextLike) => Promise<Response> {
  const handle = serveResource(options);
  return function noclobberResource(c) {
    return handle(c.req.raw, c.req.param(param) ?? '', c);
  };
}

/**
 * Middleware for your own routes: a noclobber error thrown by later handlers becomes its
 * problem+json (RFC 9457), and any other error a generic 500 problem that names nothing
 * of it (no message, SQL, stack or path). Hono's `HTTPException`s keep their own answer.
 * @example
 * ```ts
 * app.use(problemJson());
 * ```
 */
export function problemJson(): (c: HonoContextLike, next: () => Promise<void>) => Promise<void> {
  return async function noclobberProblemJson(c, next) {
    await next();
    const error = c.error;
    if (error === undefined) return;
    if (isNoclobberError(error)) c.res = problemResponse(error);
    else if (typeof (error as { getResponse?: unknown } | null)?.getResponse !== 'function')
      c.res = internalErrorResponse();
  };
}
