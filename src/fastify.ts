/**
 * `noclobber/fastify`: a Fastify plugin serving versioned resources.
 * @example
 * ```ts
 * import { fastifyResource } from 'noclobber/fastify';
 * ```
 */
export {
  type FastifyLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
  type FastifyResourceOptions,
  fastifyResource,
} from './adapters/fastify/noclobber-fastify.js';
