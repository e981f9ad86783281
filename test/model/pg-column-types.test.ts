import { type Collection, collection, field, inc, type Row, type Store, set } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { PrismaStore } from 'noclobber/prisma';
import { afterAll, describe, expect, it } from 'vitest';
import { rejects } from '../conformance/support.js';
import { newPool, uniqueTable } from '../postgres/pg-harness.js';
import { CONFORMANCE_MODELS, connectPrisma, prismaClientClass } from '../prisma/prisma-harness.js';
import { service } from '../setup/services.js';

const url = await service('postgres');

const DDL = (table: string) =>
  `CREATE TABLE ${table} (id text PRIMARY KEY, i2 smallint, i8 bigint, num numeric, f4 real, f8 double precision, version integer NOT NULL)`;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/**
 * PostgreSQL's numeric column types hold what JavaScript numbers hold only in part: each
 * column's range is the store's (int2/int4 bounds, ±(2^53 − 1) for int8, float4's), values
 * read back as the numbers that were written — `pg` gives int8 and numeric as text, Prisma
 * as BigInt and Decimal — and sums are JavaScript's. The same through `pg` and through Prisma.
 */
const setups: [string, () => Promise<Store<Row>>][] = url
  ? [
      [
        'postgres',
        async () => {
          const pool = newPool(url, 2);
          cleanups.push(() => pool.end());
          const table = uniqueTable('coltypes');
          await pool.query(DDL(table));
          return PostgresStore.open(pool, { table, key: 'id' });
        },
      ],
      [
        'prisma',
        async () => {
          const PrismaClient = await prismaClientClass(CONFORMANCE_MODELS, 'conformance');
          const schema = uniqueTable('coltypes_prisma');
          const client = connectPrisma(PrismaClient, url, schema);
          cleanups.push(async () => {
            await client.$executeRawUnsafe(`DROP SCHEMA "${schema}" CASCADE`);
            await client.$disconnect();
          });
          await client.$executeRawUnsafe(`CREATE SCHEMA "${schema}"`);
          await client.$executeRawUnsafe(DDL(`"${schema}".coltypes`));
          return PrismaStore.open(client, { table: 'coltypes', schema, key: 'id' });
        },
      ],
    ]
  : [];

describe.skipIf(!url)('PostgreSQL numeric column types', () => {
  for (const [name, open] of setups) {
    it(`${name}: int8 and numeric read back as numbers; each column's range is refused past its end; sums are JavaScript's`, async () => {
      const docs: Collection<Row> = collection(await open(), { retry: { attempts: 1 } });
      const max = Number.MAX_SAFE_INTEGER;
      const created = await docs.create('a', { id: 'a', i2: 32767, i8: max, num: 0.1, f4: 0.5, f8: 1e300 });
      const read = await docs.get('a');
      expect(read?.value).toEqual({ id: 'a', i2: 32767, i8: max, num: 0.1, f4: 0.5, f8: 1e300 });
      for (const v of Object.values(read?.value ?? {}).slice(1)) expect(typeof v).toBe('number');

      const refusals: [string, () => Promise<unknown>, string][] = [
        ['inc int8 past 2^53 − 1', () => docs.apply('a', [inc('i8', 1)]), 'out_of_range'],
        ['inc int2 past 32767', () => docs.apply('a', [inc('i2', 1)]), 'out_of_range'],
        ['float4 past its range', () => docs.apply('a', [set('f4', 1e39)]), 'out_of_range'],
        ['1.5 into int8', () => docs.apply('a', [set('i8', 1.5)]), 'type_mismatch'],
        ['a string into numeric', () => docs.apply('a', [set('num', '0.1')]), 'type_mismatch'],
        [
          'a replace with int2 past its range',
          () => docs.replace('a', { id: 'a', i2: 40000 }, { expect: { version: created.version } }),
          'out_of_range',
        ],
      ];
      for (const [what, write, reason] of refusals)
        expect(await rejects(write), what).toMatchObject({ code: 'invalid_change', reason });
      expect((await docs.get('a'))?.version).toBe(created.version);

      const summed = await docs.apply('a', [inc('num', 0.2), inc('i8', -1)], {
        expect: { where: [field('i8').eq(max), field('num').lt(0.11)] },
      });
      expect(summed.value).toMatchObject({ num: 0.1 + 0.2, i8: max - 1 });
      expect((await docs.get('a'))?.value).toMatchObject({ num: 0.1 + 0.2, i8: max - 1 });
    });
  }
});
