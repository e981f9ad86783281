import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatePrismaClient } from '../../test/prisma/prisma-generate.js';
import { service } from '../../test/setup/services.js';
import { BlobStore } from './src/blob-store.js';
import { createShop, type ShopClientClass } from './src/create-shop.js';
import { naivePatch } from './src/naive-patch.js';
import { PatchError } from './src/patch-error.js';
import { type CatalogContext, deleteProduct, patchProduct } from './src/patch-product.js';
import type { ProductRow, Shop } from './src/shop.js';
import { startShop } from './src/start-shop.js';
import { UploadLedger } from './src/upload-ledger.js';
import type { ProductPatch } from './src/validate.js';

const here = (p: string) => join(import.meta.dirname, p);
const bytes = (s: string) => new TextEncoder().encode(s);
const url = (await service('postgres')) as string;

describe.skipIf(!url)('seed 001 on its own stack: Prisma 7, PostgreSQL, Product / Image / Variant', () => {
  let PrismaClient: ShopClientClass;
  let schema: string;
  let seq = 0;
  const clients: { $disconnect(): Promise<void> }[] = [];
  let blobs: BlobStore;
  const blobDirs: string[] = [];
  let admin: Shop;
  const logs: Record<string, unknown>[] = [];

  /** A client of its own (its own pool), as separate app servers have. */
  function connect(max = 3): Shop {
    const shop = createShop(
      PrismaClient,
      new PrismaPg(
        { connectionString: url, max, idleTimeoutMillis: 1000, options: `-c search_path=${schema}` },
        { schema },
      ),
    );
    clients.push(shop);
    return shop;
  }
  function context(
    prisma = connect(),
    ledgerOptions: ConstructorParameters<typeof UploadLedger>[2] = {},
  ): CatalogContext {
    return {
      prisma,
      blobs,
      ledger: new UploadLedger(prisma, blobs, {
        retryBaseMs: 10,
        log: (m, d) => void logs.push({ m, ...d }),
        ...ledgerOptions,
      }),
    };
  }

  async function seedProduct(id: string, images: number, extra: Partial<ProductRow> = {}): Promise<void> {
    const keys = Array.from({ length: images }, (_, i) => `products/${id}/seed-${i}`);
    for (const k of keys) await blobs.put(k, bytes(k));
    await admin.product.create({
      data: {
        id,
        name: 'Tee',
        category: 'apparel',
        ...extra,
        images: { create: keys.map((key, i) => ({ id: `${id}-img${i}`, key, position: i })) },
        variants: {
          create: [{ id: `${id}-m`, sku: `${id}-tee-m`, priceCents: 2000, stock: 5, attributes: { size: 'M' } }],
        },
      },
    });
  }
  const read = async (id: string) =>
    (await admin.product.findUnique({ where: { id }, include: { images: true, variants: true } })) as ProductRow;

  /** Storage holds exactly the files products reference, and the ledger is empty: nothing orphaned, nothing dangling. */
  async function expectStorageMatches(): Promise<void> {
    const rows = await (admin as unknown as { $queryRawUnsafe(s: string): Promise<{ key: string }[]> }).$queryRawUnsafe(
      'SELECT key FROM "Image"',
    );
    const referenced = rows.map((r) => r.key).sort();
    expect(await blobs.list()).toEqual(referenced);
    expect(await admin.stagedUpload.count()).toBe(0);
  }
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof PatchError ? e.code : `unexpected: ${String(e)}`),
    );

  beforeAll(async () => {
    const file = await generatePrismaClient(readFileSync(here('prisma/schema.prisma'), 'utf8'), 'product-patch');
    PrismaClient = ((await import(pathToFileURL(file).href)) as { PrismaClient: ShopClientClass }).PrismaClient;
  });
  beforeEach(async () => {
    schema = `shop_${process.pid}_${++seq}`;
    blobDirs.push(mkdtempSync(join(tmpdir(), 'nc-shop-')));
    blobs = new BlobStore(join(blobDirs.at(-1) as string, 'blobs'));
    logs.length = 0;
    const setup = connect(1) as unknown as { $executeRawUnsafe(s: string): Promise<number> };
    await setup.$executeRawUnsafe(`CREATE SCHEMA "${schema}"`);
    for (const statement of readFileSync(here('prisma/schema.sql'), 'utf8')
      .split(';')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean))
      await setup.$executeRawUnsafe(statement);
    admin = connect(2);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.$disconnect()));
    for (const d of blobDirs) rmSync(d, { recursive: true, force: true });
  });

  it('the naive flow (the seed before the fix): two patches with the same _version both succeed and break the image limit', async () => {
    await seedProduct('p1', 6);
    const v = (await read('p1')).version;
    const patch = (who: string): ProductPatch => ({
      _version: v,
      images: { create: [{ bytes: bytes(`${who}1`) }, { bytes: bytes(`${who}2`) }] },
    });
    const results = await Promise.all([
      outcome(naivePatch(connect(), blobs, 'p1', patch('a'))),
      outcome(naivePatch(connect(), blobs, 'p1', patch('b'))),
    ]);
    expect(results).toEqual(['ok', 'ok']);
    expect((await read('p1')).images.length).toBe(10);
  });

  it('two clients with the same _version: exactly one wins, the other gets 409 VERSION_CONFLICT with the current version; its upload is not orphaned', async () => {
    await seedProduct('p1', 2);
    const v = (await read('p1')).version;
    const results = await Promise.allSettled(
      ['a', 'b'].map((who) =>
        patchProduct(context(), 'p1', { _version: v, name: `Tee ${who}`, images: { create: [{ bytes: bytes(who) }] } }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<ProductRow>[];
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({
      status: 409,
      code: 'VERSION_CONFLICT',
      currentVersion: won[0]?.value.version,
    });
    const final = await read('p1');
    expect(final.version).toBe(v + 1);
    expect(final.name).toBe(won[0]?.value.name);
    expect(final.images).toHaveLength(3);
    await expectStorageMatches();
  });

  it('validation is never stale: two patches that each fit alone cannot together exceed 8 images (422), and nothing is orphaned', async () => {
    await seedProduct('p1', 6);
    const results = await Promise.all(
      ['a', 'b'].map((who) =>
        outcome(
          patchProduct(context(), 'p1', {
            images: { create: [{ bytes: bytes(`${who}1`) }, { bytes: bytes(`${who}2`) }] },
          }),
        ),
      ),
    );
    expect(results.sort()).toEqual(['TOO_MANY_IMAGES', 'ok']);
    expect((await read('p1')).images).toHaveLength(8);
    await expectStorageMatches();
  });

  it("the seed's 100 concurrent patches from 8 clients: every acknowledged change is present, storage equals the referenced files", {
    timeout: 300_000,
  }, async () => {
    await seedProduct('p1', 6);
    // The service as started in production: its sweeper runs all along, deleting garbage while patches commit.
    const service = startShop(connect(2), blobs, {
      sweepEveryMs: 5,
      retryBaseMs: 5,
      log: (m, d) => void logs.push({ m, ...d }),
    });
    const ctxs = Array.from({ length: 8 }, () => context(connect(4)));
    const acked = new Set<number>();
    const refusals: Record<string, number> = {};
    const seedImage = (i: number) => `p1-img${Math.floor(i / 4) % 6}`;
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        // Every patch upserts its own variant; every 4th also uploads an image, every 4th + 2 deletes a seed image.
        const variants = { upsert: [{ sku: `sku-${i}`, priceCents: 100 + i, stock: i, attributes: { size: 'S' } }] };
        const patch: ProductPatch =
          i % 4 === 0
            ? { variants, images: { create: [{ bytes: bytes(`img-${i}`) }] } }
            : i % 4 === 2
              ? { variants, images: { delete: [seedImage(i)] } }
              : { variants };
        try {
          const written = await patchProduct(ctxs[i % 8] as CatalogContext, 'p1', patch);
          expect(written.variants.some((v) => v.sku === `sku-${i}`)).toBe(true);
          acked.add(i);
        } catch (e) {
          if (!(e instanceof PatchError)) throw e;
          refusals[e.code] = (refusals[e.code] ?? 0) + 1;
        }
      }),
    );
    await service.stop();
    const final = await read('p1');
    const ackedOf = (k: number) => [...acked].filter((i) => i % 4 === k);
    // Every acknowledged change is there, and nothing that was refused.
    expect(final.variants.map((v) => v.sku).sort()).toEqual(['p1-tee-m', ...[...acked].map((i) => `sku-${i}`)].sort());
    const deleted = new Set(ackedOf(2).map(seedImage));
    expect(deleted.size).toBe(ackedOf(2).length);
    const seedLeft = Array.from({ length: 6 }, (_, k) => `p1-img${k}`).filter((id) => !deleted.has(id));
    expect(final.images.filter((img) => img.id.startsWith('p1-img')).map((img) => img.id)).toEqual(seedLeft);
    expect(final.images).toHaveLength(seedLeft.length + ackedOf(0).length);
    expect(final.images.length).toBeLessThanOrEqual(8);
    // Only the rules may refuse a patch, and every refusal is counted.
    expect(Object.keys(refusals).filter((c) => c !== 'TOO_MANY_IMAGES' && c !== 'IMAGE_NOT_FOUND')).toEqual([]);
    expect(acked.size + Object.values(refusals).reduce((a, b) => a + b, 0)).toBe(100);
    expect(acked.size).toBeGreaterThan(50);
    expect(final.version).toBe(1 + acked.size);
    expect(logs.filter((l) => l.m === 'kept a file an image references')).toEqual([]);
    await expectStorageMatches();
  });

  it('negative stock is refused before anything is staged, uploaded or written', async () => {
    await seedProduct('p1', 1);
    const before = await read('p1');
    const err = await patchProduct(context(), 'p1', {
      images: { create: [{ bytes: bytes('x') }] },
      variants: { upsert: [{ sku: 'p1-tee-m', priceCents: 2000, stock: -100, attributes: { size: 'M' } }] },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_STOCK' });
    expect((await read('p1')).version).toBe(before.version);
    await expectStorageMatches();
  });

  it('a replaced image file and a deleted image are deleted after the commit, in the same PATCH as the new thumbnail', async () => {
    await seedProduct('p1', 3);
    const written = await patchProduct(context(), 'p1', {
      images: { delete: ['p1-img0'], update: [{ id: 'p1-img1', file: bytes('new bytes'), isThumbnail: true }] },
    });
    expect(written.images.map((i) => [i.id, i.isThumbnail])).toEqual([
      ['p1-img1', true],
      ['p1-img2', false],
    ]);
    expect(await blobs.exists('products/p1/seed-0')).toBe(false);
    expect(await blobs.exists('products/p1/seed-1')).toBe(false);
    await expectStorageMatches();
  });

  describe('the staged-upload ledger under faults', () => {
    it('the post-commit sweep fails to read once: the patch still succeeds, its new file stays, the scheduled sweeper deletes the old one', async () => {
      await seedProduct('p1', 2);
      const ctx = context();
      // The ledger's own client fails its next read, as the database does during a blip.
      const flaky = connect();
      let fail = 1;
      const findMany = flaky.stagedUpload.findMany.bind(flaky.stagedUpload);
      flaky.stagedUpload.findMany = async (args) => {
        if (fail-- > 0) throw new Error('connection reset during the post-commit read');
        return findMany(args);
      };
      const ledger = new UploadLedger(flaky, blobs, { retryBaseMs: 10, log: (m, d) => void logs.push({ m, ...d }) });
      const written = await patchProduct({ ...ctx, ledger }, 'p1', {
        images: { delete: ['p1-img0'], create: [{ bytes: bytes('kept') }] },
      });
      const added = written.images.find((i) => i.id !== 'p1-img1');
      expect(added).toBeDefined();
      expect(await blobs.exists(added?.key as string)).toBe(true);
      expect(await blobs.exists('products/p1/seed-0')).toBe(true);
      expect(await admin.stagedUpload.count()).toBe(1);
      const sweeper = ledger.start(20);
      await waitFor(async () => (await admin.stagedUpload.count()) === 0);
      await sweeper.stop();
      expect(await blobs.exists(added?.key as string)).toBe(true);
      await expectStorageMatches();
    });

    it('the product is deleted during the upload: the patch is 404, the upload is swept, nothing of the product remains', async () => {
      await seedProduct('p1', 2);
      const ctx = context();
      blobs.beforePut = async () => {
        blobs.beforePut = undefined;
        await deleteProduct(context(), 'p1');
      };
      const err = await patchProduct(ctx, 'p1', { images: { create: [{ bytes: bytes('late') }] } }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ status: 404, code: 'PRODUCT_NOT_FOUND' });
      expect(
        await admin.product.findUnique({ where: { id: 'p1' }, include: { images: true, variants: true } }),
      ).toBeNull();
      expect(await blobs.list()).toEqual([]);
      await expectStorageMatches();
    });

    it('the write fails in the database (a SKU another product has): 409, the upload is swept, no referenced file is touched', async () => {
      await seedProduct('p1', 1);
      await seedProduct('p2', 1);
      const err = await patchProduct(context(), 'p1', {
        images: { create: [{ bytes: bytes('doomed') }] },
        variants: { upsert: [{ sku: 'p2-tee-m', priceCents: 1, stock: 1, attributes: { size: 'M' } }] },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 409, code: 'CONFLICTING_DATA' });
      expect((await read('p1')).images.map((i) => i.key)).toEqual(['products/p1/seed-0']);
      await expectStorageMatches();
    });

    it('a request that dies between upload and commit (a lost write) leaves a ledger row; its file is swept after the TTL, not before', async () => {
      await seedProduct('p1', 1);
      let clock = Date.now();
      const ledger = new UploadLedger(admin, blobs, { uploadTtlMs: 60_000, now: () => clock });
      await ledger.stage('p1', ['products/p1/crashed']);
      await blobs.put('products/p1/crashed', bytes('orphan?'));
      expect(await ledger.sweep()).toEqual({ deleted: [], failed: [], kept: [] });
      expect(await blobs.exists('products/p1/crashed')).toBe(true);
      clock += 60_000;
      expect(await ledger.sweep()).toEqual({ deleted: ['products/p1/crashed'], failed: [], kept: [] });
      await expectStorageMatches();
    });

    it('an upload claimed late is refused once the sweeper has it, so a swept file is never referenced', async () => {
      await seedProduct('p1', 1);
      let clock = Date.now();
      const ctx = context(admin, { uploadTtlMs: 1000, now: () => clock });
      blobs.beforePut = async () => {
        blobs.beforePut = undefined;
        clock += 1000;
        await ctx.ledger.sweep();
      };
      const err = await patchProduct(ctx, 'p1', { images: { create: [{ bytes: bytes('slow') }] } }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ status: 409, code: 'UPLOAD_EXPIRED' });
      expect((await read('p1')).images).toHaveLength(1);
      await ctx.ledger.sweep();
      await expectStorageMatches();
    });

    it('storage refuses deletes: the sweeper logs each failure, backs off and deletes once storage recovers', async () => {
      await seedProduct('p1', 2);
      blobs.failNextDeletes(3);
      await patchProduct(context(), 'p1', { images: { delete: ['p1-img0', 'p1-img1'] } });
      expect(await admin.stagedUpload.count()).toBe(2);
      const sweeper = context().ledger.start(10);
      await waitFor(async () => (await admin.stagedUpload.count()) === 0);
      await sweeper.stop();
      const failures = logs.filter((l) => l.m === 'could not delete a file; will retry');
      expect(failures.length).toBe(3);
      expect(failures.map((f) => f.retryInMs)).toContain(20);
      await expectStorageMatches();
    });

    it('a ledger row for a file an image references never deletes the file', async () => {
      await seedProduct('p1', 1);
      const ctx = context();
      await admin.$transaction((tx) => ctx.ledger.discard(tx, 'p1', ['products/p1/seed-0']));
      expect(await ctx.ledger.sweep()).toEqual({ deleted: [], failed: [], kept: ['products/p1/seed-0'] });
      expect(await blobs.exists('products/p1/seed-0')).toBe(true);
      await expectStorageMatches();
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
