import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Collection } from 'noclobber';
import { patchStackEnv, type Reply } from './patch-env.js';
import type { Stack } from './stacks.js';

const BODY_LIMIT = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400 });
  }
}

/**
 * The stack-env HTTP service: `PATCH /stacks/:slug/env` and `GET /stacks/:slug`.
 * @example
 * ```ts
 * createStackEnvServer(stacks).listen(8080);
 * ```
 */
export function createStackEnvServer(stacks: Collection<Stack>): Server {
  return createServer(async (req, res) => {
    const send = ({ status, body }: Reply) => {
      res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const patchMatch = /^\/stacks\/([^/]+)\/env$/.exec(url.pathname);
      const getMatch = /^\/stacks\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'PATCH' && patchMatch)
        return send(await patchStackEnv(stacks, decodeURIComponent(patchMatch[1] as string), await readJson(req)));
      if (req.method === 'GET' && getMatch) {
        const snap = await stacks.get(decodeURIComponent(getMatch[1] as string));
        return send(
          snap
            ? { status: 200, body: { ...snap.value, version: snap.version } }
            : { status: 404, body: { code: 'not_found', status: 404 } },
        );
      }
      send({ status: 404, body: { code: 'no_route', status: 404 } });
    } catch (e) {
      const status = (e as { status?: number }).status;
      // Only the two refusals readJson raises carry their (fixed) text; anything else is a
      // generic 500 that names nothing of the error — no driver text, SQL, stack or path.
      if (status === 413 || status === 400)
        return send({
          status,
          body: { code: status === 413 ? 'env_too_large' : 'invalid_env', status, detail: (e as Error).message },
        });
      console.error('stack-env: unhandled error', e);
      send({
        status: 500,
        body: { type: 'urn:stack-env:internal', title: 'Internal server error', status: 500, code: 'internal' },
      });
    }
  });
}
