/**
 * `noclobber/http`: ETag / If-Match / If-None-Match / 428 / 412 / problem+json on
 * web-standard Request/Response, preconditions judged as RFC 9110 §13.2.2 orders them.
 * @example
 * ```ts
 * import { serveResource } from 'noclobber/http';
 * const subs = serveResource({ collection: subscriptions, name: 'subscriptions' });
 * ```
 */
export * from './http/index.js';
