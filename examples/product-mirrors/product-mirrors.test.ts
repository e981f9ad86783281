import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Collection, Snapshot } from 'noclobber';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoEndpoint } from '../../test/dynamodb/dynamo-harness.js';
import { localClient } from '../../tools/services/index.js';
import { naiveAddProductMirror } from './src/naive-mirrors.js';
import {
  addProductMirror,
  editProduct,
  MirrorError,
  type ProductChangedError,
  removeProductMirror,
  setPrimaryMirror,
} from './src/product-mirrors.js';
import { createProductsTable, openProducts, type Product } from './src/products.js';
import { productsApp } from './src/server.js';

const endpoint = await dynamoEndpoint();
let seq = 0;
const url = (name: string) => `https://${name}.mirror.example/kit.zip`;

describe.skipIf(!endpoint)('seed 000: product mirrors on DynamoDB Local', () => {
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const c = localClient(endpoint as string);
    clients.push(c);
    return c;
  };
  let admin: DynamoDBClient;
  beforeAll(() => {
    admin = client();
  });
  afterAll(() => {
    for (const c of clients) c.destroy();
  });

  async function productsTable(mirrors: string[] = [], primary: string | null = null) {
    const table = `products_${process.pid}_${++seq}`;
    await createProductsTable(admin, table);
    const products = await openProducts(admin, table);
    await products.create('p1', { id: 'p1', name: 'Starter kit', metadata: { mirrors, primary_mirror: primary } });
    return { table, products };
  }

  it('the seed’s code loses a mirror when two admins add one at the same time', async () => {
    const { table, products } = await productsTable();
    let bothRead!: () => void;
    const gate = new Promise<void>((r) => (bothRead = r));
    let reads = 0;
    const between = async () => {
      if (++reads === 2) bothRead();
      await gate;
    };
    await Promise.all([
      naiveAddProductMirror(client(), table, 'p1', url('eu'), between),
      naiveAddProductMirror(client(), table, 'p1', url('us'), between),
    ]);
    const mirrors = (await products.get('p1'))?.value.metadata.mirrors;
    expect(mirrors).toHaveLength(1); // both were told "saved"; one mirror is gone
  });

  it('20 concurrent mirror operations from separate clients: every acknowledged one is reflected, the primary always exists', async () => {
    const seeded = ['s0', 's1', 's2', 's3', 'p0', 'p1', 'p2', 'p3'].map(url);
    const { table } = await productsTable(seeded, url('s0'));
    const ops: { kind: 'add' | 'remove' | 'primary'; url: string }[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ kind: 'add' as const, url: url(`new${i}`) })),
      ...['p0', 'p1', 'p2', 'p3'].map((m) => ({ kind: 'remove' as const, url: url(m) })),
      ...['s1', 's2', 's3', 's0'].map((m) => ({ kind: 'primary' as const, url: url(m) })),
    ];
    const each = await Promise.all(ops.map(() => openProducts(client(), table)));
    const snapshots: Snapshot<Product>[] = [];
    const acknowledged: typeof ops = [];
    let reading = true;
    const observer = (async () => {
      const watcher = await openProducts(client(), table);
      const seen: Snapshot<Product>[] = [];
      while (reading) seen.push((await watcher.get('p1')) as Snapshot<Product>);
      return seen;
    })();
    const results = await Promise.allSettled(
      ops.map(async (op, i) => {
        const products = each[i] as Collection<Product>;
        const run = { add: addProductMirror, remove: removeProductMirror, primary: setPrimaryMirror }[op.kind];
        const snap = await run(products, 'p1', op.url);
        snapshots.push(snap);
        acknowledged.push(op);
      }),
    );
    reading = false;
    const observed = await observer;
    const failures = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    // Within the default budget every operation lands: a few optimistic rounds, then the product's lease.
    expect(failures).toEqual([]);
    expect(acknowledged).toHaveLength(20);

    const final = (await each[0]?.get('p1'))?.value.metadata as Product['metadata'];
    for (const op of acknowledged) {
      if (op.kind === 'add') expect(final.mirrors).toContain(op.url);
      if (op.kind === 'remove') expect(final.mirrors).not.toContain(op.url);
    }
    const acknowledgedPrimaries = acknowledged.filter((o) => o.kind === 'primary').map((o) => o.url);
    expect([url('s0'), ...acknowledgedPrimaries]).toContain(final.primary_mirror);
    // Every state anyone saw — returned to a writer or read concurrently — names an existing mirror.
    for (const s of [...snapshots, ...observed])
      expect(s.value.metadata.mirrors).toContain(s.value.metadata.primary_mirror);
    expect(observed.length).toBeGreaterThan(0);
    expect(new Set(final.mirrors).size).toBe(final.mirrors.length);
  }, 120_000);

  it('a conflict that outlives the retry budget is "this product changed, please retry" (409), and loses nothing', async () => {
    const { table, products } = await productsTable([url('a'), url('b')], url('a'));
    const writers = await Promise.all(Array.from({ length: 10 }, () => openProducts(client(), table)));
    const outcomes = await Promise.allSettled(
      writers.map((w, i) =>
        setPrimaryMirror(w, 'p1', url(i % 2 ? 'a' : 'b'), {
          retry: { attempts: 1, escalateAfter: Number.POSITIVE_INFINITY },
        }),
      ),
    );
    const refused = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason as ProductChangedError);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused)
      expect(e).toMatchObject({
        name: 'ProductChangedError',
        status: 409,
        message: 'This product changed, please retry',
      });
    const final = await products.get('p1');
    const fulfilled = outcomes
      .filter((o) => o.status === 'fulfilled')
      .map((o) => (o as PromiseFulfilledResult<Snapshot<Product>>).value);
    expect(fulfilled.map((s) => s.version)).toContain(final?.version); // the last acknowledged write is what is stored
  });

  it('validation runs against the product as written: no primary that is not a mirror, bad URLs refused, missing product 404', async () => {
    const { products } = await productsTable([url('a')], url('a'));
    const before = await products.get('p1');
    await expect(setPrimaryMirror(products, 'p1', url('zz'))).rejects.toMatchObject({
      code: 'not_a_mirror',
      status: 422,
    });
    await expect(addProductMirror(products, 'p1', 'ftp://old.example/x')).rejects.toMatchObject({
      code: 'invalid_url',
      status: 422,
    });
    await expect(addProductMirror(products, 'nope', url('a'))).rejects.toMatchObject({
      code: 'product_not_found',
      status: 404,
    });
    expect((await products.get('p1'))?.version).toBe(before?.version);
    const removed = await removeProductMirror(products, 'p1', url('a'));
    expect(removed.value.metadata).toEqual({ mirrors: [], primary_mirror: null });
    await expect(setPrimaryMirror(products, 'p1', url('a'))).rejects.toBeInstanceOf(MirrorError);
  });

  it('edits of other fields go through the same conditional path and never clobber the mirrors', async () => {
    const { table, products } = await productsTable([url('a')], url('a'));
    const other = await openProducts(client(), table);
    await Promise.all([
      editProduct(products, 'p1', { name: 'Pro kit', price_cents: 4900 }),
      addProductMirror(other, 'p1', url('b')),
    ]);
    const final = (await products.get('p1'))?.value;
    expect(final).toMatchObject({
      name: 'Pro kit',
      price_cents: 4900,
      metadata: { mirrors: [url('a'), url('b')], primary_mirror: url('a') },
    });
  });

  it('existing products carry attributes the fields list does not name: every mutation works and keeps them as they are', async () => {
    const table = `products_${process.pid}_${++seq}`;
    await createProductsTable(admin, table);
    // A product as the admin UI wrote it before noclobber: its own updated_at (milliseconds)
    // and attributes noclobber is not told about.
    const legacy = {
      id: 'p1',
      name: 'Starter kit',
      price_cents: 1900,
      sku: 'KIT-001',
      description: "It's the kit — ünïcødé",
      images: ['https://cdn.example/kit.png'],
      dimensions: { w: 10, h: 2.5, unit: 'cm' },
      created_at: '2025-01-02T03:04:05.678Z',
      updated_at: '2025-06-07T08:09:10.111Z',
      metadata: { mirrors: [url('old')], primary_mirror: url('old'), checksum: 'sha256:ab' },
    };
    await admin.send(new PutItemCommand({ TableName: table, Item: marshall(legacy) }));
    const products = await openProducts(admin, table);
    const app = productsApp(products);
    await addProductMirror(products, 'p1', url('eu'));
    await setPrimaryMirror(products, 'p1', url('eu'));
    await removeProductMirror(products, 'p1', url('old'));
    await editProduct(products, 'p1', { name: 'Pro kit', price_cents: 4900 });
    const patched = await app.request('/products/p1', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Pro kit 2' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(patched.status).toBe(200);
    const raw = unmarshall(
      (await admin.send(new GetItemCommand({ TableName: table, Key: marshall({ id: 'p1' }), ConsistentRead: true })))
        .Item ?? {},
    );
    const { updated_at, ...rest } = raw;
    expect(rest).toEqual({
      ...legacy,
      updated_at: undefined,
      name: 'Pro kit 2',
      price_cents: 4900,
      metadata: { mirrors: [url('eu')], primary_mirror: url('eu'), checksum: 'sha256:ab' },
    } as never);
    expect(updated_at > legacy.updated_at).toBe(true);
    // What the fields list does not name can be read and carried, never changed through the API's writes.
    const snap = await products.get('p1');
    expect(snap?.value).toMatchObject({ sku: 'KIT-001', dimensions: { w: 10, h: 2.5, unit: 'cm' } });
    await expect(products.update('p1', (p) => ({ ...p, sku: 'HACKED' }))).rejects.toMatchObject({
      code: 'invalid_change',
      reason: 'unknown_field',
    });
    await expect(products.apply('p1', [{ op: 'set', path: 'sku', value: 'HACKED' }])).rejects.toMatchObject({
      reason: 'unknown_field',
    });
    expect((await products.get('p1'))?.value.sku).toBe('KIT-001');
  });

  it('over HTTP: add, set primary, remove; 409 / 422 / 404 as problem+json', async () => {
    const { products } = await productsTable();
    const app = productsApp(products);
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    expect((await call('POST', '/products/p1/mirrors', { url: url('eu') })).status).toBe(200);
    expect((await call('POST', '/products/p1/mirrors', { url: url('us') })).status).toBe(200);
    const primary = await call('PUT', '/products/p1/primary-mirror', { url: url('us') });
    expect(await primary.json()).toMatchObject({ metadata: { primary_mirror: url('us') } });
    const removed = await (await call('DELETE', '/products/p1/mirrors', { url: url('us') })).json();
    expect(removed).toMatchObject({ metadata: { mirrors: [url('eu')], primary_mirror: url('eu') } });
    const bad = await call('PUT', '/products/p1/primary-mirror', { url: url('zz') });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await bad.json()).toMatchObject({ code: 'not_a_mirror', status: 422 });
    expect((await call('POST', '/products/missing/mirrors', { url: url('eu') })).status).toBe(404);
    const got = await (await call('GET', '/products/p1')).json();
    expect(got.updated_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
