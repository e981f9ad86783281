// Type-checked by prisma-types.test.ts against a client generated from SHOP_MODELS (the
// `#shop-client` path exists only then), so it is excluded from the project's tsconfig.
import { PrismaPg } from '@prisma/adapter-pg';
import type { Decimal } from '@prisma/client/runtime/client';
import { inc } from 'noclobber';
import { noclobber } from 'noclobber/prisma';
import { expectTypeOf } from 'vitest';
import { PrismaClient } from '#shop-client';

const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgres://' }) }).$extends(noclobber());

export async function typed(): Promise<void> {
  const p = await prisma.product.$update({ id: 'p1' }, (cur) => ({ ...cur, name: cur.name.toUpperCase() }));
  expectTypeOf(p.name).toEqualTypeOf<string>();
  expectTypeOf(p.version).toEqualTypeOf<number>();
  // @ts-expect-error relations are not read unless included
  p.images;

  const whole = await prisma.product.$update(
    { id: 'p1', version: 3 },
    (cur) => ({ ...cur, images: cur.images.filter((i) => i.position > 0) }),
    {
      include: { images: true },
    },
  );
  expectTypeOf(whole.images[0]!.key).toEqualTypeOf<string>();
  // @ts-expect-error variants were not included
  whole.variants;

  const g = await prisma.gadget.$apply({ id: 'g1' }, [inc('views', 1)]);
  expectTypeOf(g.views).toEqualTypeOf<bigint>();
  expectTypeOf(g.weight).toEqualTypeOf<Decimal | null>();
  expectTypeOf(g.releasedAt).toEqualTypeOf<Date>();

  const created = await prisma.product.$create({ id: 'p9', name: 'Tee', category: 'shirts' });
  expectTypeOf(created.version).toEqualTypeOf<number>();
  // @ts-expect-error data has the model's field types
  await prisma.product.$create({ id: 'p9', name: 5 });

  const stock = await prisma.variant.$withLock({ id: 'v1' }, async (locked) => locked.row?.stock ?? 0);
  expectTypeOf(stock).toEqualTypeOf<number>();

  // @ts-expect-error the intent must return the model's row
  await prisma.product.$update({ id: 'p1' }, (cur) => ({ ...cur, name: 5 }));
  // @ts-expect-error `where` is the model's unique where
  await prisma.product.$apply({ sku: 'x' }, []);
  // @ts-expect-error include names the model's relations
  await prisma.product.$update({ id: 'p1' }, (cur) => cur, { include: { orders: true } });

  await prisma.$transaction(async (tx) => {
    const row = await tx.product.$update({ id: 'p1' }, (cur) => ({ ...cur, hits: cur.hits + 1 }));
    expectTypeOf(row.hits).toEqualTypeOf<number>();
  });
}
