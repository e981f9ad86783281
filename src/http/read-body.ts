import { PreconditionError } from './precondition-error.js';

/**
 * Reads a request body as text, refusing it (413) as soon as it passes `limit` bytes —
 * from Content-Length before reading, and while streaming when there is none.
 * @example
 * ```ts
 * const text = await readBody(request, 64 * 1024);
 * ```
 */
export async function readBody(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (declared > limit)
    throw new PreconditionError(`The body is ${declared} bytes, over the ${limit} byte limit`, {
      reason: 'body_too_large',
    });
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new PreconditionError(`The body is over the ${limit} byte limit`, { reason: 'body_too_large' });
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * Parses JSON text, mapping a syntax error to a 400 problem.
 * @example
 * ```ts
 * parseJson('{"a":1}'); // { a: 1 }
 * ```
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PreconditionError('The body is not valid JSON', { reason: 'bad_body', cause: e });
  }
}
