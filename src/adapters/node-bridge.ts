import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A web-standard Request from a Node request. `body` overrides the stream (for frameworks
 * that already read it).
 * @example
 * ```ts
 * const request = toWebRequest(req, rawBodyText);
 * ```
 */
export function toWebRequest(req: IncomingMessage, body?: string): Request {
  const host = req.headers.host ?? 'localhost';
  const url = new URL(req.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  if (!hasBody) return new Request(url, { method, headers });
  if (body !== undefined) return new Request(url, { method, headers, body });
  // A framework that already consumed the stream without handing over a body: there was none.
  if (req.readableEnded) return new Request(url, { method, headers, body: '' });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
      req.on('end', () => controller.close());
      req.on('error', (e) => controller.error(e));
    },
  });
  return new Request(url, { method, headers, body: stream, duplex: 'half' } as RequestInit);
}

/**
 * Writes a web-standard Response to a Node response.
 * @example
 * ```ts
 * await sendWebResponse(res, await handler(request));
 * ```
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}
