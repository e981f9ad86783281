import { PostgresAggregateStore, PostgresStore } from 'noclobber/postgres';
import type pg from 'pg';
import { describe, it } from 'vitest';
import type { AggregateHarness, ShopProduct } from '../aggregate/aggregate-harness.js';
import { describeAggregate } from '../aggregate/aggregate-suite.js';
import { service } from '../setup/services.js';
import { newPool, uniqueTable } from './pg-harness.js';

function postgresAggregateHarness(url: string): AggregateHarness {
  const admin = newPool(url, 2);
  const pools: pg.Pool[] = [admin];
  let t = { products: '', images: '', variants: '' };
  const aggregate = (pool: pg.Pool) => {
    pools.push(pool);
    return PostgresAggregateStore.open<ShopProduct>(pool, {
      table: t.products,
      key: 'id',
      children: { images: { table: t.images, orderBy: ['id'] }, variants: { table: t.variants } },
    });
  };
  return {
    async tables() {
      t = { products: uniqueTable('products'), images: uniqueTable('images'), variants: uniqueTable('variants') };
      await admin.query(
        `CREATE TABLE ${t.products} (id text PRIMARY KEY, name text NOT NULL, category text NOT NULL, hits integer NOT NULL DEFAULT 0, tags jsonb, version integer NOT NULL)`,
      );
      await admin.query(
        `CREATE TABLE ${t.images} (id text PRIMARY KEY, "productId" text NOT NULL REFERENCES ${t.products} (id), key text NOT NULL, position integer NOT NULL)`,
      );
      await admin.query(
        `CREATE TABLE ${t.variants} (id text PRIMARY KEY, "productId" text NOT NULL REFERENCES ${t.products} (id), sku text NOT NULL UNIQUE, price double precision NOT NULL, stock integer NOT NULL CHECK (stock >= 0))`,
      );
    },
    connect() {
      return aggregate(newPool(url, 2));
    },
    async connectWithRoot() {
      const pool = newPool(url, 2);
      return {
        aggregate: await aggregate(pool),
        root: await PostgresStore.open(pool, { table: t.products, key: 'id' }),
      };
    },
    async stored(productId) {
      const rows = async (table: string) =>
        (await admin.query(`SELECT * FROM ${table} WHERE "productId" = $1 ORDER BY id`, [productId])).rows;
      const version = (await admin.query(`SELECT version::text AS v FROM ${t.products} WHERE id = $1`, [productId]))
        .rows[0]?.v;
      return { images: await rows(t.images), variants: await rows(t.variants), version };
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

const url = await service('postgres');
if (url) describeAggregate('postgres', async () => postgresAggregateHarness(url));
else
  describe.skip('aggregate: postgres (PostgreSQL not available; see the warning above)', () =>
    it('runs the suite', () => {}));
