import { describe, expect, it } from 'vitest';
import { service } from '../../test/setup/services.js';
import { bytes, shopFixture } from './shop-fixture.js';
import { naivePatch } from './src/naive-patch.js';
import { PatchError } from './src/patch-error.js';
import { type CatalogContext, patchProduct } from './src/patch-product.js';
import type { ProductRow } from './src/shop.js';
import { startShop } from './src/start-shop.js';
import type { ProductPatch } from './src/validate.js';

const url = (await service('postgres')) as string;

describe.skipIf(!url)('seed 001 on its own stack: Prisma 7, PostgreSQL, Product / Image / Variant', () => {
  const fx = shopFixture(url);

  it('the naive flow (the seed before the fix): two patches with the same _version both succeed and break the image limit', async () => {
    await fx.seedProduct('p1', 6);
    const v = (await fx.read('p1')).version;
    const patch = (who: string): ProductPatch => ({
      _version: v,
      images: { create: [{ bytes: bytes(`${who}1`) }, { bytes: bytes(`${who}2`) }] },
    });
    const results = await Promise.all([
      fx.outcome(naivePatch(fx.connect(), fx.blobs, 'p1', patch('a'))),
      fx.outcome(naivePatch(fx.connect(), fx.blobs, 'p1', patch('b'))),
    ]);
    expect(results).toEqual(['ok', 'ok']);
    expect((await fx.read('p1')).images.length).toBe(10);
  });

  it('two clients with the same _version: exactly one wins, the other gets 409 VERSION_CONFLICT with the current version; its upload is not orphaned', async () => {
    await fx.seedProduct('p1', 2);
    const v = (await fx.read('p1')).version;
    const results = await Promise.allSettled(
      ['a', 'b'].map((who) =>
        patchProduct(fx.context(), 'p1', {
          _version: v,
          name: `Tee ${who}`,
          images: { create: [{ bytes: bytes(who) }] },
        }),
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
    const final = await fx.read('p1');
    expect(final.version).toBe(v + 1);
    expect(final.name).toBe(won[0]?.value.name);
    expect(final.images).toHaveLength(3);
    await fx.expectStorageMatches();
  });

  it('validation is never stale: two patches that each fit alone cannot together exceed 8 images (422), and nothing is orphaned', async () => {
    await fx.seedProduct('p1', 6);
    const results = await Promise.all(
      ['a', 'b'].map((who) =>
        fx.outcome(
          patchProduct(fx.context(), 'p1', {
            images: { create: [{ bytes: bytes(`${who}1`) }, { bytes: bytes(`${who}2`) }] },
          }),
        ),
      ),
    );
    expect(results.sort()).toEqual(['TOO_MANY_IMAGES', 'ok']);
    expect((await fx.read('p1')).images).toHaveLength(8);
    await fx.expectStorageMatches();
  });

  it("the seed's 100 concurrent patches from 8 clients: every acknowledged change is present, storage equals the referenced files", {
    timeout: 300_000,
  }, async () => {
    await fx.seedProduct('p1', 6);
    // The service as started in production: its sweeper runs all along, deleting garbage while patches commit.
    const service = startShop(fx.connect(2), fx.blobs, {
      sweepEveryMs: 5,
      retryBaseMs: 5,
      log: (m, d) => void fx.logs.push({ m, ...d }),
    });
    const ctxs = Array.from({ length: 8 }, () => fx.context(fx.connect(4)));
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
    const final = await fx.read('p1');
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
    expect(fx.logs.filter((l) => l.m === 'kept a file an image references')).toEqual([]);
    await fx.expectStorageMatches();
  });

  it('negative stock is refused before anything is staged, uploaded or written', async () => {
    await fx.seedProduct('p1', 1);
    const before = await fx.read('p1');
    const err = await patchProduct(fx.context(), 'p1', {
      images: { create: [{ bytes: bytes('x') }] },
      variants: { upsert: [{ sku: 'p1-tee-m', priceCents: 2000, stock: -100, attributes: { size: 'M' } }] },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_STOCK' });
    expect((await fx.read('p1')).version).toBe(before.version);
    await fx.expectStorageMatches();
  });

  it('a replaced image file and a deleted image are deleted after the commit, in the same PATCH as the new thumbnail', async () => {
    await fx.seedProduct('p1', 3);
    const written = await patchProduct(fx.context(), 'p1', {
      images: { delete: ['p1-img0'], update: [{ id: 'p1-img1', file: bytes('new bytes'), isThumbnail: true }] },
    });
    expect(written.images.map((i) => [i.id, i.isThumbnail])).toEqual([
      ['p1-img1', true],
      ['p1-img2', false],
    ]);
    expect(await fx.blobs.exists('products/p1/seed-0')).toBe(false);
    expect(await fx.blobs.exists('products/p1/seed-1')).toBe(false);
    await fx.expectStorageMatches();
  });
});
