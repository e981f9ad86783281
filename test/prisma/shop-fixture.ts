import {
  connectPrisma,
  prismaClientClass,
  type TestPrismaClient,
  type TestPrismaClientClass,
} from './prisma-harness.js';
import { SHOP_MODELS, shopDdl } from './shop-schema.js';

/** The shop tables in a fresh schema, and clients on them. */
export interface ShopFixture {
  readonly PrismaClient: TestPrismaClientClass;
  readonly schema: string;
  /** A new client (its own pool) on the shop's schema. */
  client(max?: number): TestPrismaClient;
  close(): Promise<void>;
}

let seq = 0;

/**
 * Creates the shop's tables with SQL in a schema of their own and hands out clients.
 * @example
 * ```ts
 * const shop = await openShop(await service('postgres'));
 * const prisma = shop.client();
 * ```
 */
export async function openShop(url: string): Promise<ShopFixture> {
  const PrismaClient = await prismaClientClass(SHOP_MODELS, 'shop');
  const schema = `ncfix_${process.pid}_${++seq}`;
  const clients: TestPrismaClient[] = [];
  const client = (max = 4) => {
    const c = connectPrisma(PrismaClient, url, schema, max);
    clients.push(c);
    return c;
  };
  const admin = client(1);
  for (const sql of shopDdl(schema)) await admin.$executeRawUnsafe(sql);
  return {
    PrismaClient,
    schema,
    client,
    async close() {
      await Promise.all(clients.map((c) => c.$disconnect()));
    },
  };
}
