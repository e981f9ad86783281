/**
 * `noclobber/hono`: serve versioned resources and problem+json from Hono.
 * @example
 * ```ts
 * import { honoResource, problemJson } from 'noclobber/hono';
 * ```
 */
export { type HonoContextLike, honoResource, problemJson } from './adapters/hono/noclobber-hono.js';
