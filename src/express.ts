/**
 * `noclobber/express`: serve versioned resources from Express.
 * @example
 * ```ts
 * import { expressResource } from 'noclobber/express';
 * ```
 */
export { type ExpressRequestLike, expressResource, resourceMiddleware } from './adapters/express/noclobber-express.js';
