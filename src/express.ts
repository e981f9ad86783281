/**
 * `noclobber/express`: serve versioned resources from Express.
 * @example
 * ```ts
 * import { expressResource } from 'noclobber/express';
 * ```
 */
export { type ExpressRequestLike, expressResource } from './adapters/express/noclobber-express.js';
