import Database from 'better-sqlite3';
import { type Collection, collection, type Row, set } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { PrismaStore } from 'noclobber/prisma';
import { SqliteStore } from 'noclobber/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { rejects, withoutNulls } from '../conformance/support.js';
import { newPool, uniqueTable } from '../postgres/pg-harness.js';
import { CONFORMANCE_MODELS, connectPrisma, prismaClientClass } from '../prisma/prisma-harness.js';
import { service } from '../setup/services.js';

/**
 * SQL stores bound with a `fields` list: the table's other columns (a `created_at` the
 * database fills, a column older code owns) are read, kept as they are by every write, and
 * a value may carry them only unchanged — the same rule as DynamoDB's.
 */
interface Bound {
  readonly docs: Collection<Row>;
  /** Inserts a row behind noclobber's back, as the application's older code did. */
  insert(row: Row): Promise<void>;
  /** The row as the database holds it. */
  raw(id: string): Promise<Row>;
}

const pgUrl = await service('postgres');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const setups: [string, () => Promise<Bound>][] = [
  [
    'sqlite',
    async () => {
      const db = new Database(':memory:');
      cleanups.push(() => db.close());
      db.exec(
        `CREATE TABLE items (id TEXT PRIMARY KEY, name TEXT, data TEXT, created_at TEXT, legacy INTEGER, version INTEGER NOT NULL DEFAULT 1)`,
      );
      const docs = collection(
        new SqliteStore(db, { table: 'items', key: 'id', json: ['data'], fields: ['name', 'data'] }),
        { retry: { attempts: 1 } },
      );
      return {
        docs,
        insert: async (row) =>
          void db
            .prepare(
              'INSERT INTO items (id, name, data, created_at, legacy) VALUES (@id, @name, @data, @created_at, @legacy)',
            )
            .run(row),
        raw: async (id) => db.prepare('SELECT * FROM items WHERE id = ?').get(id) as Row,
      };
    },
  ],
];
if (pgUrl)
  setups.push([
    'postgres',
    async () => {
      const pool = newPool(pgUrl, 2);
      cleanups.push(() => pool.end());
      const table = uniqueTable('fields_items');
      await pool.query(
        `CREATE TABLE ${table} (id text PRIMARY KEY, name text, data jsonb, created_at text, legacy integer, version integer NOT NULL DEFAULT 1)`,
      );
      const docs = collection(await PostgresStore.open(pool, { table, key: 'id', fields: ['name', 'data'] }), {
        retry: { attempts: 1 },
      });
      return {
        docs,
        insert: async (row) =>
          void (await pool.query(
            `INSERT INTO ${table} (id, name, data, created_at, legacy) VALUES ($1, $2, $3, $4, $5)`,
            [row.id, row.name, row.data, row.created_at, row.legacy],
          )),
        raw: async (id) => (await pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0],
      };
    },
  ]);

if (pgUrl)
  setups.push([
    'prisma',
    async () => {
      const PrismaClient = await prismaClientClass(CONFORMANCE_MODELS, 'conformance');
      const schema = uniqueTable('fields_prisma');
      const client = connectPrisma(PrismaClient, pgUrl, schema);
      cleanups.push(async () => {
        await client.$executeRawUnsafe(`DROP SCHEMA "${schema}" CASCADE`);
        await client.$disconnect();
      });
      // Every column is named apart from its field (FieldsItem in CONFORMANCE_MODELS); `fields` names fields.
      const cols = { name: '"item name"', data: '"item.data"', created_at: '"created at"', legacy: '"legacy""col"' };
      await client.$executeRawUnsafe(`CREATE SCHEMA "${schema}"`);
      await client.$executeRawUnsafe(
        `CREATE TABLE "${schema}".fields_items (id text PRIMARY KEY, ${cols.name} text, ${cols.data} jsonb, ${cols.created_at} text, ${cols.legacy} integer, "row version" integer NOT NULL DEFAULT 1)`,
      );
      const store = await PrismaStore.open(client, { model: 'FieldsItem', schema, fields: ['name', 'data'] });
      const docs = collection(store, { retry: { attempts: 1 } });
      return {
        docs,
        insert: async (row) =>
          void (await client.$executeRawUnsafe(
            `INSERT INTO "${schema}".fields_items (id, ${cols.name}, ${cols.data}, ${cols.created_at}, ${cols.legacy}) VALUES ($1, $2, $3::jsonb, $4, $5)`,
            row.id,
            row.name,
            row.data,
            row.created_at,
            row.legacy,
          )),
        raw: async (id) => {
          const rows = (await client.$queryRawUnsafe(
            `SELECT id, ${cols.name} AS name, ${cols.data} AS data, ${cols.created_at} AS created_at, ${cols.legacy} AS legacy FROM "${schema}".fields_items WHERE id = $1`,
            id,
          )) as Row[];
          return rows[0] as Row;
        },
      };
    },
  ]);

for (const [name, setup] of setups) {
  describe(`${name}: columns outside the fields list`, () => {
    it('are read, kept by every write, and may ride along only unchanged', async () => {
      const { docs, insert, raw } = await setup();
      await insert({ id: 'a', name: 'old', data: '{"k":1}', created_at: '2025-01-01T00:00:00Z', legacy: 7 });
      const read = await docs.get('a');
      expect(withoutNulls(read?.value)).toEqual({
        id: 'a',
        name: 'old',
        data: { k: 1 },
        created_at: '2025-01-01T00:00:00Z',
        legacy: 7,
      });
      const updated = await docs.update('a', (v) => ({ ...v, name: 'new' }));
      expect(updated.value).toMatchObject({ name: 'new', created_at: '2025-01-01T00:00:00Z', legacy: 7 });
      const replaced = await docs.replace('a', { id: 'a', data: { k: 2 } }, { expect: { version: updated.version } });
      expect(withoutNulls(replaced.value)).toEqual({
        id: 'a',
        data: { k: 2 },
        created_at: '2025-01-01T00:00:00Z',
        legacy: 7,
      });
      await docs.apply('a', [set('name', 'applied'), set('data.z', true)]);
      expect(await rejects(() => docs.update('a', (v) => ({ ...v, legacy: 8 })))).toMatchObject({
        code: 'invalid_change',
        reason: 'unknown_field',
      });
      expect(await rejects(() => docs.update('a', (v) => ({ ...v, legacy: 'eight' })))).toMatchObject({
        code: 'invalid_change',
        reason: 'unknown_field',
      });
      expect(await rejects(() => docs.apply('a', [set('created_at', 'now')]))).toMatchObject({
        reason: 'unknown_field',
      });
      expect(await rejects(() => docs.create('b', { id: 'b', legacy: 1 }))).toMatchObject({ reason: 'unknown_field' });
      expect(await docs.get('b')).toBeUndefined();
      const row = await raw('a');
      expect(row).toMatchObject({ name: 'applied', created_at: '2025-01-01T00:00:00Z', legacy: 7 });
    });
  });
}
