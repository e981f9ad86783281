import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Row } from '../../core/types.js';
import { type ResourceOptions, resource } from '../../http/resource.js';
import { sendWebResponse, toWebRequest } from '../node-bridge.js';

/** The part of an Express request this adapter uses. */
export type ExpressRequestLike = IncomingMessage & { params?: Record<string, string>; body?: unknown };

/**
 * Express middleware serving a versioned resource (`req.params[param]` is the key). Mount
 * it without a JSON body parser in front (it reads the raw body itself, with its limit);
 * if one already parsed the body, the parsed JSON is used.
 * @example
 * ```ts
 * app.all('/subscriptions/:id', resourceMiddleware({ collection: subs, name: 'subscriptions' }));
 * ```
 */
export function resourceMiddleware<T extends object = Row>(
  options: ResourceOptions<T>,
  param = 'id',
): (req: ExpressRequestLike, res: ServerResponse, next: (err?: unknown) => void) => void {
  const handle = resource(options);
  return function noclobberResource(req, res, next) {
    const parsed = req.body !== undefined && req.readableEnded ? JSON.stringify(req.body) : undefined;
    handle(toWebRequest(req, parsed), req.params?.[param] ?? '')
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  };
}
