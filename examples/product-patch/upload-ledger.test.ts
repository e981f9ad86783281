import { describe, expect, it } from 'vitest';
import { service } from '../../test/setup/services.js';
import { bytes, shopFixture, waitFor } from './shop-fixture.js';
import { deleteProduct, patchProduct } from './src/patch-product.js';
import { UploadLedger } from './src/upload-ledger.js';

const url = (await service('postgres')) as string;

describe.skipIf(!url)('seed 001: the staged-upload ledger under faults (Prisma 7, PostgreSQL)', () => {
  const fx = shopFixture(url);

  it('the post-commit sweep fails to read once: the patch still succeeds, its new file stays, the scheduled sweeper deletes the old one', async () => {
    await fx.seedProduct('p1', 2);
    const ctx = fx.context();
    // The ledger's own client fails its next read, as the database does during a blip.
    const flaky = fx.connect();
    let fail = 1;
    const findMany = flaky.stagedUpload.findMany.bind(flaky.stagedUpload);
    flaky.stagedUpload.findMany = async (args) => {
      if (fail-- > 0) throw new Error('connection reset during the post-commit read');
      return findMany(args);
    };
    const ledger = new UploadLedger(flaky, fx.blobs, {
      retryBaseMs: 10,
      log: (m, d) => void fx.logs.push({ m, ...d }),
    });
    const written = await patchProduct({ ...ctx, ledger }, 'p1', {
      images: { delete: ['p1-img0'], create: [{ bytes: bytes('kept') }] },
    });
    const added = written.images.find((i) => i.id !== 'p1-img1');
    expect(added).toBeDefined();
    expect(await fx.blobs.exists(added?.key as string)).toBe(true);
    expect(await fx.blobs.exists('products/p1/seed-0')).toBe(true);
    expect(await fx.admin.stagedUpload.count()).toBe(1);
    const sweeper = ledger.start(20);
    await waitFor(async () => (await fx.admin.stagedUpload.count()) === 0);
    await sweeper.stop();
    expect(await fx.blobs.exists(added?.key as string)).toBe(true);
    await fx.expectStorageMatches();
  });

  it('the product is deleted during the upload: the patch is 404, the upload is swept, nothing of the product remains', async () => {
    await fx.seedProduct('p1', 2);
    const ctx = fx.context();
    fx.blobs.beforePut = async () => {
      fx.blobs.beforePut = undefined;
      await deleteProduct(fx.context(), 'p1');
    };
    const err = await patchProduct(ctx, 'p1', { images: { create: [{ bytes: bytes('late') }] } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 404, code: 'PRODUCT_NOT_FOUND' });
    expect(
      await fx.admin.product.findUnique({ where: { id: 'p1' }, include: { images: true, variants: true } }),
    ).toBeNull();
    expect(await fx.blobs.list()).toEqual([]);
    await fx.expectStorageMatches();
  });

  it('the write fails in the database (a SKU another product has): 409, the upload is swept, no referenced file is touched', async () => {
    await fx.seedProduct('p1', 1);
    await fx.seedProduct('p2', 1);
    const err = await patchProduct(fx.context(), 'p1', {
      images: { create: [{ bytes: bytes('doomed') }] },
      variants: { upsert: [{ sku: 'p2-tee-m', priceCents: 1, stock: 1, attributes: { size: 'M' } }] },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, code: 'CONFLICTING_DATA' });
    expect((await fx.read('p1')).images.map((i) => i.key)).toEqual(['products/p1/seed-0']);
    await fx.expectStorageMatches();
  });

  it('a request that dies between upload and commit (a lost write) leaves a ledger row; its file is swept after the TTL, not before', async () => {
    await fx.seedProduct('p1', 1);
    let clock = Date.now();
    const ledger = new UploadLedger(fx.admin, fx.blobs, { uploadTtlMs: 60_000, now: () => clock });
    await ledger.stage('p1', ['products/p1/crashed']);
    await fx.blobs.put('products/p1/crashed', bytes('orphan?'));
    expect(await ledger.sweep()).toEqual({ deleted: [], failed: [], kept: [] });
    expect(await fx.blobs.exists('products/p1/crashed')).toBe(true);
    clock += 60_000;
    expect(await ledger.sweep()).toEqual({ deleted: ['products/p1/crashed'], failed: [], kept: [] });
    await fx.expectStorageMatches();
  });

  it('an upload claimed late is refused once the sweeper has it, so a swept file is never referenced', async () => {
    await fx.seedProduct('p1', 1);
    let clock = Date.now();
    const ctx = fx.context(fx.admin, { uploadTtlMs: 1000, now: () => clock });
    fx.blobs.beforePut = async () => {
      fx.blobs.beforePut = undefined;
      clock += 1000;
      await ctx.ledger.sweep();
    };
    const err = await patchProduct(ctx, 'p1', { images: { create: [{ bytes: bytes('slow') }] } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 409, code: 'UPLOAD_EXPIRED' });
    expect((await fx.read('p1')).images).toHaveLength(1);
    await ctx.ledger.sweep();
    await fx.expectStorageMatches();
  });

  it('storage refuses deletes: the sweeper fx.logs each failure, backs off and deletes once storage recovers', async () => {
    await fx.seedProduct('p1', 2);
    fx.blobs.failNextDeletes(3);
    await patchProduct(fx.context(), 'p1', { images: { delete: ['p1-img0', 'p1-img1'] } });
    expect(await fx.admin.stagedUpload.count()).toBe(2);
    const sweeper = fx.context().ledger.start(10);
    await waitFor(async () => (await fx.admin.stagedUpload.count()) === 0);
    await sweeper.stop();
    const failures = fx.logs.filter((l) => l.m === 'could not delete a file; will retry');
    expect(failures.length).toBe(3);
    expect(failures.map((f) => f.retryInMs)).toContain(20);
    await fx.expectStorageMatches();
  });

  it('a ledger row for a file an image references never deletes the file', async () => {
    await fx.seedProduct('p1', 1);
    const ctx = fx.context();
    await fx.admin.$transaction((tx) => ctx.ledger.discard(tx, 'p1', ['products/p1/seed-0']));
    expect(await ctx.ledger.sweep()).toEqual({ deleted: [], failed: [], kept: ['products/p1/seed-0'] });
    expect(await fx.blobs.exists('products/p1/seed-0')).toBe(true);
    await fx.expectStorageMatches();
  });
});
