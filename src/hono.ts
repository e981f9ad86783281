/**
 * `noclobber/hono`: serve versioned resources and problem+json from Hono.
 * @example
 * ```ts
 * import { honoResource, problemJson } from 'noclobber/hono';
 * ```
 */
export { type HonoContextLike, honoResource, problemJson, resourceRoute } from './adapters/hono/noclobber-hono.js';
