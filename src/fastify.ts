/**
 * `noclobber/fastify`: a Fastify plugin serving versioned resources.
 * @example
 * ```ts
 * import { noclobberFastify } from 'noclobber/fastify';
 * ```
 */
export { type FastifyLike, type FastifyReplyLike, type NoclobberFastifyOptions, noclobberFastify } from './adapters/fastify/noclobber-fastify.js';
