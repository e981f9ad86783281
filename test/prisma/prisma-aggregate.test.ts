import type { Row } from 'noclobber';
import { PrismaStore } from 'noclobber/prisma';
import { describe, it } from 'vitest';
import type { AggregateHarness, ShopProduct } from '../aggregate/aggregate-harness.js';
import { describeAggregate } from '../aggregate/aggregate-suite.js';
import { service } from '../setup/services.js';
import { connectPrisma, prismaClientClass, type TestPrismaClient } from './prisma-harness.js';
import { SHOP_MODELS, shopDdl } from './shop-schema.js';

let seq = 0;

async function prismaAggregateHarness(url: string): Promise<AggregateHarness> {
  const PrismaClient = await prismaClientClass(SHOP_MODELS, 'shop');
  const admin = connectPrisma(PrismaClient, url, 'public', 1);
  const clients: TestPrismaClient[] = [admin];
  let schema = '';
  const aggregate = (client: TestPrismaClient) => {
    clients.push(client);
    return PrismaStore.open<ShopProduct>(client, {
      model: 'Product',
      include: { images: { orderBy: ['id'] }, variants: true },
    });
  };
  return {
    async tables() {
      schema = `ncshop_${process.pid}_${++seq}`;
      for (const sql of shopDdl(schema)) await admin.$executeRawUnsafe(sql);
    },
    connect() {
      return aggregate(connectPrisma(PrismaClient, url, schema));
    },
    async connectWithRoot() {
      const client = connectPrisma(PrismaClient, url, schema);
      return { aggregate: await aggregate(client), root: await PrismaStore.open(client, { model: 'Product' }) };
    },
    async stored(productId) {
      const rows = async (sql: string) => (await admin.$queryRawUnsafe(sql, productId)) as Row[];
      const images = await rows(
        `SELECT id, product_id AS "productId", storage_key AS key, position FROM "${schema}".product_images WHERE product_id = $1 ORDER BY id`,
      );
      const variants = await rows(
        `SELECT id, product_id AS "productId", sku, price, stock FROM "${schema}".product_variants WHERE product_id = $1 ORDER BY id`,
      );
      const version = (await rows(`SELECT row_version::text AS v FROM "${schema}".products WHERE id = $1`))[0]?.v as
        | string
        | undefined;
      return { images, variants, version };
    },
    async close() {
      await Promise.all(clients.map((c) => c.$disconnect()));
    },
  };
}

const url = await service('postgres');
if (url) describeAggregate('prisma (mapped names)', () => prismaAggregateHarness(url));
else
  describe.skip('aggregate: prisma (PostgreSQL not available; see the warning above)', () =>
    it('runs the suite', () => {}));
