import type { IncomingMessage } from 'node:http';
import type { Row } from '../../core/types.js';
import { type ResourceOptions, resource } from '../../http/resource.js';
import { toWebRequest } from '../node-bridge.js';

/** The part of a Fastify instance this plugin uses (typed structurally). */
export interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    opts: { parseAs: 'string' },
    parser: (req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  route(route: {
    method: string[];
    url: string;
    handler: (request: { raw: IncomingMessage; params: unknown; body: unknown }, reply: FastifyReplyLike) => Promise<unknown>;
  }): void;
}

/** The part of a Fastify reply this plugin uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body?: unknown): FastifyReplyLike;
}

/** Options of {@link noclobberFastify}. */
export interface NoclobberFastifyOptions<T extends object> {
  readonly resource: ResourceOptions<T>;
  /** Route path under the plugin's prefix. Default `/:id`. */
  readonly path?: string;
  readonly param?: string;
}

/**
 * A Fastify plugin serving a versioned resource under its prefix. Bodies reach noclobber as
 * raw text (this plugin's own parser, encapsulated), so the size limit and prototype-key
 * checks see exactly what was sent.
 * @example
 * ```ts
 * await app.register(noclobberFastify, { prefix: '/subscriptions', resource: { collection: subs, name: 'subscriptions' } });
 * ```
 */
export async function noclobberFastify<T extends object = Row>(fastify: FastifyLike, options: NoclobberFastifyOptions<T>): Promise<void> {
  const handle = resource(options.resource);
  const param = options.param ?? 'id';
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  fastify.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: options.path ?? `/:${param}`,
    async handler(request, reply) {
      const body = typeof request.body === 'string' ? request.body : undefined;
      const response = await handle(toWebRequest(request.raw, body), (request.params as Record<string, string>)[param] ?? '');
      reply.code(response.status);
      response.headers.forEach((value, name) => {
        reply.header(name, value);
      });
      return reply.send(response.body ? await response.text() : undefined);
    },
  });
}
