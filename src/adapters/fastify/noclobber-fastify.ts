import type { IncomingMessage } from 'node:http';
import type { Row } from '../../core/types.js';
import { internalErrorResponse } from '../../http/problem-response.js';
import type { ServeResourceOptions } from '../../http/resource-options.js';
import { serveResource } from '../../http/serve-resource.js';
import { toWebRequest } from '../node-bridge.js';

/** The part of a Fastify request this plugin uses. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  readonly params: unknown;
  readonly body: unknown;
}

/** The part of a Fastify instance this plugin uses (typed structurally). */
export interface FastifyLike {
  /** Every method the instance routes (Fastify ≥ 4.x); all of them reach the resource, which answers 405 itself. */
  readonly supportedMethods?: readonly string[];
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    opts: { parseAs: 'string' },
    parser: (req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  route(route: {
    method: string[];
    url: string;
    exposeHeadRoute?: boolean;
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;
  }): void;
}

/** The part of a Fastify reply this plugin uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body?: unknown): FastifyReplyLike;
}

/** Options of {@link fastifyResource}. */
export interface FastifyResourceOptions<T extends object> {
  readonly resource: ServeResourceOptions<T>;
  /** Route path under the plugin's prefix. Default `/:id`. */
  readonly path?: string;
  readonly param?: string;
}

const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST'];

async function reply(to: FastifyReplyLike, response: Response): Promise<FastifyReplyLike> {
  to.code(response.status);
  response.headers.forEach((value, name) => {
    to.header(name, value);
  });
  // Bytes, not a string: Fastify would append a charset to a string's content-type, and HEAD would then differ from GET.
  return to.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

/**
 * A Fastify plugin serving a versioned resource under its prefix, for every method
 * Fastify routes (OPTIONS, 405 with `Allow`, and HEAD with GET's headers). Bodies reach
 * noclobber as raw text (this plugin's own parser, encapsulated), so the size limit and
 * prototype-key checks see exactly what was sent. The Fastify request reaches
 * `authorizeForce`, `exposeCurrent` and the idempotency `scope`; every error is answered
 * here (a generic 500 problem), never by Fastify's handler with its message.
 * @example
 * ```ts
 * await app.register(fastifyResource, { prefix: '/subscriptions', resource: { collection: subs, name: 'subscriptions' } });
 * ```
 */
export async function fastifyResource<T extends object = Row>(
  fastify: FastifyLike,
  options: FastifyResourceOptions<T>,
): Promise<void> {
  const handle = serveResource(options.resource);
  const onError =
    options.resource.onError ?? ((error: unknown) => console.error('noclobber/fastify: unhandled error', error));
  const param = options.param ?? 'id';
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  fastify.route({
    method: [...(fastify.supportedMethods ?? METHODS)],
    url: options.path ?? `/:${param}`,
    exposeHeadRoute: false,
    async handler(request, to) {
      let web: Request | undefined;
      try {
        web = toWebRequest(request.raw, typeof request.body === 'string' ? request.body : undefined);
        return await reply(to, await handle(web, (request.params as Record<string, string>)[param] ?? '', request));
      } catch (e) {
        onError(e, web ?? new Request('http://localhost/'));
        return reply(to, internalErrorResponse());
      }
    },
  });
}
