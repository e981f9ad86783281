import { set } from 'noclobber';
import { noclobber, PrismaStore } from 'noclobber/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { openShop, type ShopFixture } from './shop-fixture.js';

/** The extended client as this test uses it (the client is generated at run time). */
interface Shop {
  product: {
    delete(args: { where: { id: string } }): Promise<unknown>;
    $create(data: Record<string, unknown>): Promise<{ version: number }>;
    $apply(where: object, ops: unknown[]): Promise<{ version: number }>;
  };
}

const url = (await service('postgres')) as string;

describe.skipIf(!url)('prisma: deletes made by Prisma itself, with the tombstone trigger', () => {
  let shop: ShopFixture;
  beforeAll(async () => {
    shop = await openShop(url); // a schema of its own: the trigger changes no other test's table
  });
  afterAll(() => shop?.close());

  it("Prisma's own delete leaves the tombstone $delete would: the key's next record starts after it; without the trigger it did not", async () => {
    const client = shop.client(4);
    const prisma = (client as unknown as { $extends(e: unknown): Shop }).$extends(noclobber());
    const plainDelete = (id: string) => prisma.product.delete({ where: { id } });
    // Before the trigger: the documented limit — Prisma's delete is invisible, version 1 comes again.
    await prisma.product.$create({ id: 'before', name: 'Tee', category: 'shirts' });
    await plainDelete('before');
    expect((await prisma.product.$create({ id: 'before', name: 'Tee', category: 'shirts' })).version).toBe(1);
    const store = await PrismaStore.open(client as never, { model: 'Product' });
    for (const statement of store.tombstoneTriggerDdl()) await client.$executeRawUnsafe(statement);
    await prisma.product.$create({ id: 'p1', name: 'Tee', category: 'shirts' });
    await prisma.product.$apply({ id: 'p1' }, [set('name', 'renamed')]);
    await plainDelete('p1');
    const again = await prisma.product.$create({ id: 'p1', name: 'Tee again', category: 'shirts' });
    expect(again.version).toBe(3);
    expect(
      await prisma.product.$apply({ id: 'p1', version: 2 }, [set('name', 'from an old tab')]).catch((e: unknown) => e),
    ).toMatchObject({ reason: 'stale' });
  });
});
