import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Row } from '../../core/types.js';
import { internalErrorResponse } from '../../http/problem-response.js';
import type { ServeResourceOptions } from '../../http/resource-options.js';
import { serveResource } from '../../http/serve-resource.js';
import { sendWebResponse, toWebRequest } from '../node-bridge.js';

/** The part of an Express request this adapter uses. */
export type ExpressRequestLike = IncomingMessage & { params?: Record<string, string>; body?: unknown };

/**
 * Express middleware serving a versioned resource (`req.params[param]` is the key; the
 * Express request reaches `authorizeForce`, `exposeCurrent` and the idempotency `scope`).
 * Mount it with `app.all` so it answers every method (OPTIONS, 405 with `Allow`, HEAD),
 * without a JSON body parser in front (it reads the raw body itself, with its limit); if
 * one already parsed the body, the parsed JSON is used. It answers every error itself
 * (a generic 500 problem), so Express's default handler never shows a stack.
 * @example
 * ```ts
 * app.all('/subscriptions/:id', expressResource({ collection: subs, name: 'subscriptions' }));
 * ```
 */
export function expressResource<T extends object = Row>(
  options: ServeResourceOptions<T>,
  param = 'id',
): (req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void {
  const handle = serveResource(options);
  const onError = options.onError ?? ((error: unknown) => console.error('noclobber/express: unhandled error', error));
  return function noclobberResource(req, res) {
    const answer = async () => {
      let request: Request | undefined;
      try {
        request = toWebRequest(req, req.body !== undefined && req.readableEnded ? JSON.stringify(req.body) : undefined);
        await sendWebResponse(res, await handle(request, req.params?.[param] ?? '', req));
      } catch (e) {
        onError(e, request ?? new Request('http://localhost/'));
        if (res.headersSent) res.destroy();
        else await sendWebResponse(res, internalErrorResponse());
      }
    };
    answer().catch(() => res.destroy());
  };
}
