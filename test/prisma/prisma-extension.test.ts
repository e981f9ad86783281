import { Decimal } from '@prisma/client/runtime/client';
import { type ConflictError, GuardError, inc, isConflictError, LockBusyError, set } from 'noclobber';
import { noclobber } from 'noclobber/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { openShop, type ShopFixture } from './shop-fixture.js';

interface ProductRow {
  id: string;
  name: string;
  category: string;
  hits: number;
  tags: unknown;
  version: number;
  images?: { id: string; productId: string; key: string; position: number }[];
}

interface Gadget {
  id: string;
  label: string;
  views: bigint;
  weight: Decimal | null;
  releasedAt: Date;
  version: number;
}

type Call<R> = (...args: never[]) => Promise<R>;
/** The extended client as this test uses it (typed here: the client is generated at run time; the type test checks the real types). */
interface Delegate<R> {
  create(args: { data: Record<string, unknown> }): Promise<R>;
  update(args: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<R>;
  findUniqueOrThrow(args: { where: Record<string, unknown>; include?: Record<string, boolean> }): Promise<R>;
  $update: Call<R> & ((where: object, fn: (row: R) => R | Promise<R>, options?: object) => Promise<R>);
  $apply: (where: object, ops: unknown[], options?: object) => Promise<R>;
  $delete: (where: object, options?: object) => Promise<R>;
  $create: (data: Record<string, unknown>, options?: object) => Promise<R>;
  $withLock: <T>(
    where: object,
    fn: (locked: { row: R | null; apply(ops: unknown[]): Promise<R>; replace(row: R): Promise<R> }) => Promise<T>,
    options?: object,
  ) => Promise<T>;
}
interface Shop {
  product: Delegate<ProductRow>;
  gadget: Delegate<Gadget>;
  image: { findMany(args: { where: object; orderBy: object }): Promise<{ id: string; key: string }[]> };
  $transaction<R>(fn: (tx: Shop) => Promise<R>): Promise<R>;
}

const url = (await service('postgres')) as string;

describe.skipIf(!url)('prisma: the noclobber Client extension', () => {
  let shop: ShopFixture;
  let prisma: Shop;
  let n = 0;
  const product = async () => {
    const id = `x${++n}`;
    await prisma.product.create({ data: { id, name: 'Tee', category: 'shirts' } });
    return id;
  };

  beforeAll(async () => {
    shop = await openShop(url);
    prisma = (shop.client(6) as unknown as { $extends(e: unknown): Shop }).$extends(noclobber());
  });
  afterAll(() => shop?.close());

  it('$update: re-runs the intent, returns the row in Prisma style (version included)', async () => {
    const id = await product();
    const row = await prisma.product.$update({ id }, (p) => ({ ...p, name: `${p.name} (XL)` }));
    expect(row).toMatchObject({ id, name: 'Tee (XL)', category: 'shirts', version: 2 });
    expect(await prisma.product.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: 'Tee (XL)', version: 2 });
  });

  it("a stale version in `where` is a ConflictError carrying the current row, where Prisma's own update says P2025 'not found'", async () => {
    const id = await product();
    await prisma.product.$apply({ id }, [set('name', 'moved on')]);
    const plain = await prisma.product
      .update({ where: { id, version: 1 }, data: { name: 'lost?' } })
      .catch((e: unknown) => e);
    expect(plain).toMatchObject({ code: 'P2025' });
    for (const call of [
      () => prisma.product.$update({ id, version: 1 }, (p) => ({ ...p, name: 'stale' })),
      () => prisma.product.$apply({ id, version: 1 }, [set('name', 'stale')]),
      () => prisma.product.$withLock({ id, version: 1 }, async (l) => l.apply([set('name', 'stale')])),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(isConflictError(err)).toBe(true);
      expect(err).toMatchObject({ reason: 'stale', expected: '1', actual: '2', httpStatus: 409 });
      expect((err as ConflictError).current?.value).toMatchObject({ id, name: 'moved on', version: 2 });
    }
    expect(await prisma.product.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: 'moved on', version: 2 });
    expect(await prisma.product.$apply({ id, version: 2 }, [set('name', 'current')])).toMatchObject({
      name: 'current',
      version: 3,
    });
  });

  it('filters in `where` are guards checked in the same statement; a false one writes nothing', async () => {
    const id = await product();
    const err = await prisma.product
      .$apply({ id, category: { not: 'shirts' } }, [inc('hits', 1)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuardError);
    expect((err as GuardError).current?.value).toMatchObject({ hits: 0, version: 1 });
    expect(await prisma.product.$apply({ id, category: 'shirts', hits: { lt: 5 } }, [inc('hits', 1)])).toMatchObject({
      hits: 1,
    });
  });

  it('include: the row and its relations are one versioned record, written in one transaction', async () => {
    const id = await product();
    const row = await prisma.product.$update(
      { id },
      (p) => ({
        ...p,
        images: [
          ...(p.images ?? []),
          { id: `${id}-a`, productId: id, key: 'a.jpg', position: 0 },
          { id: `${id}-b`, productId: id, key: 'b.jpg', position: 1 },
        ],
      }),
      { include: { images: true } },
    );
    expect(row.images?.map((i) => i.id)).toEqual([`${id}-a`, `${id}-b`]);
    expect(row.version).toBe(2);
    const next = await prisma.product.$update(
      { id },
      (p) => ({ ...p, images: p.images?.filter((i) => i.key !== 'a.jpg') }),
      { include: { images: true } },
    );
    expect(next.version).toBe(3);
    expect(await prisma.image.findMany({ where: { productId: id }, orderBy: { id: 'asc' } })).toMatchObject([
      { id: `${id}-b`, key: 'b.jpg' },
    ]);
  });

  it('DateTime, BigInt and Decimal fields arrive as Date, bigint and Decimal, and are written back exactly', async () => {
    const released = new Date('2026-01-27T10:11:12.345Z');
    await prisma.gadget.create({
      data: { id: 'g1', label: 'Lamp', views: 9007199254740000n, weight: new Decimal('1.25'), releasedAt: released },
    });
    const row = await prisma.gadget.$update({ id: 'g1' }, (g) => {
      expect(g.releasedAt).toBeInstanceOf(Date);
      expect(typeof g.views).toBe('bigint');
      expect(Decimal.isDecimal(g.weight)).toBe(true);
      return {
        ...g,
        views: g.views + 1n,
        weight: (g.weight as Decimal).plus('0.5'),
        releasedAt: new Date(g.releasedAt.getTime() + 1000),
      };
    });
    expect(row).toMatchObject({ views: 9007199254740001n, version: 2 });
    const stored = await prisma.gadget.findUniqueOrThrow({ where: { id: 'g1' } });
    expect(stored.views).toBe(9007199254740001n);
    expect((stored.weight as Decimal).toFixed(2)).toBe('1.75');
    expect(stored.releasedAt.toISOString()).toBe('2026-01-27T10:11:13.345Z');
  });

  it('a bigint beyond 2^53 or a Decimal no double holds exactly is out_of_range (as any number the store cannot hold), nothing written', async () => {
    await prisma.gadget.create({
      data: { id: 'g2', label: 'Lamp', views: 1n, weight: new Decimal('1.25'), releasedAt: new Date(0) },
    });
    const tooBig = await prisma.gadget
      .$update({ id: 'g2' }, (g) => ({ ...g, views: 2n ** 53n + 2n }))
      .catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ code: 'invalid_change', reason: 'out_of_range', path: ['views'] });
    const inexact = await prisma.gadget
      .$update({ id: 'g2' }, (g) => ({ ...g, weight: new Decimal('1.0000000000000000000001') }))
      .catch((e: unknown) => e);
    expect(inexact).toMatchObject({ code: 'invalid_change', reason: 'out_of_range', path: ['weight'] });
    expect(await prisma.gadget.findUniqueOrThrow({ where: { id: 'g2' } })).toMatchObject({ views: 1n, version: 1 });
  });

  it('$withLock holds the row: another client waiting with nowait is refused', async () => {
    const id = await product();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const holder = prisma.product.$withLock({ id }, async (locked) => {
      inside();
      await held;
      return locked.apply([inc('hits', 1)]);
    });
    await entered;
    const busy = await prisma.product
      .$withLock({ id }, async () => 'never', { nowait: true, retry: { attempts: 1 } })
      .catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(LockBusyError);
    release();
    expect(await holder).toMatchObject({ hits: 1, version: 2 });
  });

  it("on the transaction client the write is part of the caller's transaction", async () => {
    const id = await product();
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.product.$update({ id }, (p) => ({ ...p, hits: p.hits + 1 }));
        await tx.gadget.create({ data: { id: `${id}-g`, label: 'x', releasedAt: new Date() } });
        throw new Error('roll back both');
      }),
    ).rejects.toThrow('roll back both');
    expect(await prisma.product.findUniqueOrThrow({ where: { id } })).toMatchObject({ hits: 0, version: 1 });
    await prisma.$transaction(async (tx) => {
      await tx.product.$update({ id }, (p) => ({ ...p, hits: p.hits + 1 }));
    });
    expect(await prisma.product.findUniqueOrThrow({ where: { id } })).toMatchObject({ hits: 1, version: 2 });
  });

  it('32 concurrent $update increments from 4 extended clients: final = acknowledged', {
    timeout: 120_000,
  }, async () => {
    const id = await product();
    const clients = Array.from({ length: 4 }, () =>
      (shop.client(4) as unknown as { $extends(e: unknown): Shop }).$extends(noclobber()),
    );
    let acknowledged = 0;
    await Promise.all(
      Array.from({ length: 32 }, async (_, i) => {
        await clients[i % 4]?.product.$update({ id }, (p) => ({ ...p, hits: p.hits + 1 }));
        acknowledged++;
      }),
    );
    expect(acknowledged).toBe(32);
    expect(await prisma.product.findUniqueOrThrow({ where: { id } })).toMatchObject({ hits: 32, version: 33 });
  });

  it('$delete leaves a tombstone: $create of the key again starts after it, so no `version` of the first row matches the second', async () => {
    const id = await product(); // Prisma's own create: the column's default version, 1
    await prisma.product.$apply({ id }, [set('name', 'renamed')]);
    expect(await prisma.product.$delete({ id, version: 2 })).toMatchObject({ id, name: 'renamed', version: 2 });
    const again = await prisma.product.$create({ id, name: 'Tee again', category: 'shirts' });
    expect(again).toMatchObject({ id, name: 'Tee again', version: 3 });
    for (const version of [1, 2]) {
      const stale = await prisma.product
        .$apply({ id, version }, [set('name', 'from an old tab')])
        .catch((e: unknown) => e);
      expect(isConflictError(stale)).toBe(true);
      expect(stale).toMatchObject({ reason: 'stale', current: { value: { name: 'Tee again', version: 3 } } });
    }
    expect(
      await prisma.product.$create({ id, name: 'twice', category: 'shirts' }).catch((e: unknown) => e),
    ).toMatchObject({ reason: 'exists' });
    // With its relations, as one record.
    const whole = await prisma.product.$create(
      { id: `${id}-w`, name: 'W', category: 'shirts', images: [{ id: `${id}-i`, key: 'k', position: 0 }] },
      { include: { images: true } },
    );
    expect(whole.images?.map((i) => i.id)).toEqual([`${id}-i`]);
  });
});

describe.skipIf(!url)('prisma: a first call inside a transaction that rolls back', () => {
  let shop: ShopFixture;
  beforeAll(async () => {
    shop = await openShop(url); // a fresh schema: no table of tombstones yet
  });
  afterAll(() => shop?.close());

  it('leaves the extension working afterwards: the store opened in the rolled-back transaction is not kept', async () => {
    const prisma = (shop.client(4) as unknown as { $extends(e: unknown): Shop }).$extends(noclobber());
    await prisma.product.create({ data: { id: 'p1', name: 'Tee', category: 'shirts' } });
    const rolledBack = await prisma
      .$transaction(async (tx) => {
        await tx.product.$apply({ id: 'p1' }, [inc('hits', 1)]); // the model's first noclobber call
        throw new Error('the caller rolls back');
      })
      .catch((e: unknown) => e);
    expect(rolledBack).toMatchObject({ message: 'the caller rolls back' });
    // The table of tombstones the first open created went with the rollback; later calls must not rely on it.
    expect(await prisma.product.$apply({ id: 'p1' }, [inc('hits', 1)])).toMatchObject({ hits: 1, version: 2 });
    const deleted = await prisma.product.$delete({ id: 'p1' });
    expect(deleted).toMatchObject({ version: 2 });
    const again = await prisma.product.$create({ id: 'p1', name: 'Tee again', category: 'shirts' });
    expect(again.version).toBeGreaterThan(2);
    expect(
      await prisma.product.$apply({ id: 'p1', version: 2 }, [set('name', 'stale')]).catch((e: unknown) => e),
    ).toSatisfy(isConflictError);
  });
});
