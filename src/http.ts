/**
 * `noclobber/http`: ETag / If-Match / 428 / 412 / problem+json on web-standard Request/Response.
 * @example
 * ```ts
 * import { resource } from 'noclobber/http';
 * const subs = resource({ collection: subscriptions, name: 'subscriptions' });
 * ```
 */
export * from './http/index.js';
