import { Hono } from 'hono';
import { type Collection, isNoclobberError } from 'noclobber';
import { problemResponse } from 'noclobber/http';
import {
  addProductMirror,
  editProduct,
  MirrorError,
  ProductChangedError,
  removeProductMirror,
  setPrimaryMirror,
} from './product-mirrors.js';
import type { Product } from './products.js';

/** A problem; its text may quote input (a URL), so it is cut short and stripped of control characters. */
function problem(status: number, code: string, detail: string): Response {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const title = (detail.length > 120 ? `${detail.slice(0, 120)}…` : detail).replace(/[\u0000-\u001f\u007f]/g, '');
  return new Response(JSON.stringify({ type: `urn:product-mirrors:${code}`, title, status, code }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

async function urlOf(req: Request): Promise<string> {
  const body = (await req.json().catch(() => ({}))) as { url?: unknown };
  if (typeof body.url !== 'string') throw new MirrorError('invalid_url', 'Send {"url": "https://…"}');
  return body.url;
}

/**
 * The admin API of seed 000: every product mutation is one of the conditional calls in
 * `product-mirrors.ts`. 409 "this product changed, please retry", 404, 422 as problem+json.
 * @example
 * ```ts
 * serve({ fetch: productsApp(products).fetch, port: 8788 });
 * ```
 */
export function productsApp(products: Collection<Product>): Hono {
  const app = new Hono();
  app.onError((e) => {
    if (e instanceof ProductChangedError) return problem(409, 'product_changed', e.message);
    if (e instanceof MirrorError) return problem(e.status, e.code, e.message);
    if (isNoclobberError(e)) return problemResponse(e);
    return problem(500, 'internal', 'Internal error');
  });
  const json = (snap: { version: string; value: Product }) =>
    Response.json({ ...snap.value, updated_at: snap.version });
  app.get('/products/:id', async (c) => {
    const snap = await products.get(c.req.param('id'));
    return snap ? json(snap) : problem(404, 'product_not_found', 'No such product');
  });
  app.patch('/products/:id', async (c) => json(await editProduct(products, c.req.param('id'), await c.req.json())));
  app.post('/products/:id/mirrors', async (c) =>
    json(await addProductMirror(products, c.req.param('id'), await urlOf(c.req.raw))),
  );
  app.delete('/products/:id/mirrors', async (c) =>
    json(await removeProductMirror(products, c.req.param('id'), await urlOf(c.req.raw))),
  );
  app.put('/products/:id/primary-mirror', async (c) =>
    json(await setPrimaryMirror(products, c.req.param('id'), await urlOf(c.req.raw))),
  );
  return app;
}
