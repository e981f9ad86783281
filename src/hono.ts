/**
 * `noclobber/hono`: serve versioned resources and problem+json from Hono.
 * @example
 * ```ts
 * import { resourceRoute, problemJson } from 'noclobber/hono';
 * ```
 */
export { type HonoContextLike, problemJson, resourceRoute } from './adapters/hono/noclobber-hono.js';
