/**
 * `noclobber/express`: serve versioned resources from Express.
 * @example
 * ```ts
 * import { resourceMiddleware } from 'noclobber/express';
 * ```
 */
export { type ExpressRequestLike, resourceMiddleware } from './adapters/express/noclobber-express.js';
