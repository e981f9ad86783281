import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { add } from 'noclobber';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from './src/blob-store.js';
import { openProducts, type Product } from './src/catalog.js';
import { naivePatch } from './src/naive-patch.js';
import { type CatalogContext, patchProduct } from './src/patch-product.js';
import { sweepProduct, sweepStale } from './src/sweep.js';
import { ValidationError } from './src/validate.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('seed 001: product PATCH without stale validation, lost images or orphaned files', () => {
  let dir: string;
  let file: string;
  let blobs: BlobStore;
  const dbs: Database.Database[] = [];

  /** A new connection to the same WAL database file: separate clients, as separate requests are. */
  function connect(): CatalogContext {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    dbs.push(db);
    return { products: openProducts(db), blobs };
  }

  async function seedProduct(ctx: CatalogContext, images: number): Promise<void> {
    const keys = Array.from({ length: images }, (_, i) => `products/p1/seed-${i}`);
    for (const k of keys) await blobs.put(k, bytes(k));
    const product: Product = {
      id: 'p1',
      name: 'Tee',
      category: 'apparel',
      images: keys.map((key, i) => ({ id: `img${i}`, key })),
      variants: [{ sku: 'tee-m', price: 20, stock: 5, attributes: { size: 'M' } }],
      pending_uploads: [],
      pending_deletes: [],
    };
    await ctx.products.create('p1', product);
  }

  /** Files in storage are exactly the images some product references: nothing orphaned, nothing dangling. */
  async function expectNoOrphans(ctx: CatalogContext): Promise<void> {
    const p = (await ctx.products.get('p1'))?.value as Product;
    expect(p.pending_uploads).toEqual([]);
    expect(p.pending_deletes).toEqual([]);
    expect(await blobs.list()).toEqual(p.images.map((i) => i.key).sort());
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nc-product-'));
    file = join(dir, 'shop.db');
    blobs = new BlobStore(join(dir, 'blobs'));
  });
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the naive flow loses an acknowledged change and orphans its files (the bug)', async () => {
    const ctx = connect();
    await seedProduct(ctx, 4);
    const dbA = new Database(file);
    const dbB = new Database(file);
    dbs.push(dbA, dbB);
    await Promise.all([
      naivePatch(dbA, blobs, 'p1', { images: { create: [{ id: 'a1', bytes: bytes('a1') }] } }),
      naivePatch(dbB, blobs, 'p1', { images: { create: [{ id: 'b1', bytes: bytes('b1') }] } }),
    ]);
    const p = (await ctx.products.get('p1'))?.value as Product;
    const ids = p.images.map((i) => i.id);
    // both calls returned success, yet one image is missing and its file is orphaned
    expect(ids.includes('a1') && ids.includes('b1')).toBe(false);
    expect((await blobs.list()).length).toBeGreaterThan(p.images.length);
  });

  it('validation is never stale: two patches that each fit alone cannot together exceed the limit', async () => {
    const ctx = connect();
    await seedProduct(ctx, 6);
    const results = await Promise.allSettled(
      ['a', 'b'].map((who) =>
        patchProduct(connect(), 'p1', {
          images: {
            create: [
              { id: `${who}1`, bytes: bytes(`${who}1`) },
              { id: `${who}2`, bytes: bytes(`${who}2`) },
            ],
          },
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(ValidationError);
    expect(refused[0]?.reason.code).toBe('TOO_MANY_IMAGES');
    const p = (await ctx.products.get('p1'))?.value as Product;
    expect(p.images).toHaveLength(8);
    await expectNoOrphans(ctx);
  });

  it('concurrent edits of different variants all survive (the intent is re-run, not the payload resent)', async () => {
    const ctx = connect();
    await seedProduct(ctx, 1);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        patchProduct(connect(), 'p1', { variants: { upsert: [{ sku: `tee-${i}`, price: 10 + i, stock: i, attributes: { size: `S${i}` } }] } }),
      ),
    );
    const p = (await ctx.products.get('p1'))?.value as Product;
    expect(p.variants.map((v) => v.sku).sort()).toEqual(['tee-0', 'tee-1', 'tee-2', 'tee-3', 'tee-4', 'tee-5', 'tee-6', 'tee-7', 'tee-m']);
  });

  it('negative stock is refused before anything is uploaded or written', async () => {
    const ctx = connect();
    await seedProduct(ctx, 1);
    const before = await ctx.products.get('p1');
    await expect(
      patchProduct(ctx, 'p1', {
        images: { create: [{ id: 'x', bytes: bytes('x') }] },
        variants: { upsert: [{ sku: 'tee-m', price: 20, stock: -100, attributes: { size: 'M' } }] },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STOCK' });
    expect((await ctx.products.get('p1'))?.version).toBe(before?.version);
    await expectNoOrphans(ctx);
  });

  it('replaced files are deleted after commit; a failed delete stays in the outbox until the next sweep', async () => {
    const ctx = connect();
    await seedProduct(ctx, 3);
    blobs.failNextDeletes(1);
    const snap = await patchProduct(ctx, 'p1', { images: { delete: ['img0'], create: [{ id: 'new', bytes: bytes('new') }] } });
    expect(snap.value.images.map((i) => i.id)).toEqual(['img1', 'img2', 'new']);
    const after = (await ctx.products.get('p1'))?.value as Product;
    expect(after.pending_deletes).toEqual(['products/p1/seed-0']);
    expect(await blobs.exists('products/p1/seed-0')).toBe(true);
    expect(await sweepProduct(ctx, 'p1')).toEqual({ deleted: 1, failed: 0 });
    await expectNoOrphans(ctx);
  });

  it('a patch that fails validation after uploading leaves no file behind', async () => {
    const ctx = connect();
    await seedProduct(ctx, 8);
    await expect(patchProduct(ctx, 'p1', { images: { create: [{ id: 'ninth', bytes: bytes('9') }] } })).rejects.toMatchObject({ code: 'TOO_MANY_IMAGES' });
    await expectNoOrphans(ctx);
  });

  it('a crash between upload and commit is recovered by the stale-upload sweep', async () => {
    let clock = 1_000_000;
    const ctx = { ...connect(), now: () => clock };
    await seedProduct(ctx, 1);
    // A request recorded its upload and stored the file, then its process died before the
    // update: the intent log in the row and the file are all that remain.
    const key = `products/p1/${clock}-crashed`;
    await ctx.products.apply('p1', [add('pending_uploads', key)]);
    await blobs.put(key, bytes('orphan?'));
    expect(await sweepStale(ctx, 'p1', { uploadTtlMs: 60_000 })).toEqual({ deleted: 0, failed: 0 });
    clock += 60_000;
    expect(await sweepStale(ctx, 'p1', { uploadTtlMs: 60_000 })).toEqual({ deleted: 1, failed: 0 });
    await expectNoOrphans(ctx);
  });
});
