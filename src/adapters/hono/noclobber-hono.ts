import { isNoclobberError } from '../../core/errors/noclobber-error.js';
import type { Row } from '../../core/types.js';
import { problemResponse } from '../../http/problem-response.js';
import { type ResourceOptions, resource } from '../../http/resource.js';

/** The part of Hono's context this adapter uses (typed structurally). */
export interface HonoContextLike {
  readonly req: { readonly raw: Request; param(name: string): string | undefined };
  error?: unknown;
  res: Response;
}

/**
 * A Hono handler serving a versioned resource (`c.req.param(param)` is the key).
 * @example
 * ```ts
 * app.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/subscriptions/:id', resourceRoute({ collection: subs, name: 'subscriptions' }));
 * ```
 */
export function resourceRoute<T extends object = Row>(options: ResourceOptions<T>, param = 'id'): (c: HonoContextLike) => Promise<Response> {
  const handle = resource(options);
  return function noclobberResource(c) {
    return handle(c.req.raw, c.req.param(param) ?? '');
  };
}

/**
 * Middleware that answers any noclobber error thrown by later handlers as problem+json
 * (RFC 9457) with its status, so your own routes can just `await docs.apply(...)`.
 * @example
 * ```ts
 * app.use(problemJson());
 * ```
 */
export function problemJson(): (c: HonoContextLike, next: () => Promise<void>) => Promise<void> {
  return async function noclobberProblemJson(c, next) {
    await next();
    if (isNoclobberError(c.error)) c.res = problemResponse(c.error);
  };
}
