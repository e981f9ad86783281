import { collection, type Row } from 'noclobber';
import { PostgresAggregateStore } from 'noclobber/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident } from '../../src/stores/postgres/postgres-sql.js';
import { rejects } from '../conformance/support.js';
import { newPool } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';

const url = await service('postgres');

/**
 * The aggregate store builds its read from catalog names (each child column is a key of the
 * row's JSON): those names reach SQL only through ident(), never as string literals, so a
 * column named with a quote or a backslash reads back as itself — even on a connection with
 * `standard_conforming_strings = off`, where a backslash escapes a quote inside '…'.
 * Tables are a schema-qualified pair whose table names hold dots and quotes.
 */
describe.skipIf(!url)('PostgreSQL aggregates: hostile table and column names', () => {
  const schema = `nc_agg_${process.pid}`;
  const root = 'prod.ucts';
  const child = "im'a.ges";
  const col = { parent: 'product id', key: "k'ey", position: 'pos.ition', at: 'at /*', big: 'big; --' } as const;
  const admin = newPool(url as string, 1);
  const pool = new pg.Pool({ connectionString: url as string, max: 2, options: '-c standard_conforming_strings=off' });
  pool.on('error', () => {});
  const q = (t: string) => `${ident(schema)}.${ident(t)}`;

  beforeAll(async () => {
    await admin.query(`CREATE SCHEMA ${ident(schema)}`);
    await admin.query(
      `CREATE TABLE ${q(root)} (id text PRIMARY KEY, name text, hits bigint, version integer NOT NULL)`,
    );
    await admin.query(
      `CREATE TABLE ${q(child)} (id text PRIMARY KEY, ${ident(col.parent)} text NOT NULL REFERENCES ${q(root)} (id), ${ident(col.key)} text, ${ident(col.position)} integer, ${ident(col.at)} timestamptz, ${ident(col.big)} bigint, meta jsonb)`,
    );
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA ${ident(schema)} CASCADE`);
    await Promise.all([admin.end(), pool.end()]);
  });

  it('rows read and write back under their own names; int8 reads as a number; a child value beyond its column is refused before sending', async () => {
    const store = await PostgresAggregateStore.open(pool, {
      table: root,
      schema,
      key: 'id',
      children: { images: { table: child, schema, orderBy: [col.position] } },
    });
    const products = collection(store, { retry: { attempts: 1 } });
    const image = (id: string, position: number): Row => ({
      id,
      [col.parent]: 'p1',
      [col.key]: `it's \\' ${id}`,
      [col.position]: position,
      [col.at]: '2026-01-02T03:04:05.006Z',
      [col.big]: 2 ** 53 - 1,
      meta: { "'": '\\' },
    });
    await products.create('p1', { id: 'p1', name: 'n', hits: 2 ** 40, images: [image('b', 2), image('a', 1)] });
    const read = await products.get('p1');
    expect(read?.value).toEqual({ id: 'p1', name: 'n', hits: 2 ** 40, images: [image('a', 1), image('b', 2)] });

    const updated = await products.update('p1', (p) => ({ ...p, images: [{ ...image('a', 1), [col.key]: "x\\'" }] }));
    expect((updated.value as { images?: Row[] }).images).toEqual([{ ...image('a', 1), [col.key]: "x\\'" }]);
    const raw = await admin.query(
      `SELECT id, ${ident(col.key)} AS k, ${ident(col.big)}::text AS big FROM ${q(child)} ORDER BY id`,
    );
    expect(raw.rows).toEqual([{ id: 'a', k: "x\\'", big: String(2 ** 53 - 1) }]);

    const err = await rejects(() => products.update('p1', (p) => ({ ...p, images: [image('c', 2 ** 31)] })));
    expect(err).toMatchObject({ code: 'invalid_change', reason: 'out_of_range', path: ['images', '0', col.position] });
    expect((await products.get('p1'))?.version).toBe(updated.version);
  });

  it('a child column whose name ends in a backslash (no key a value may carry, but a name the catalog may hold) is read as itself', async () => {
    await admin.query(`ALTER TABLE ${q(child)} ADD COLUMN "note\\" text`);
    await admin.query(`UPDATE ${q(child)} SET "note\\" = $1`, ["'; SELECT 1; --"]);
    const store = await PostgresAggregateStore.open(pool, {
      table: root,
      schema,
      key: 'id',
      children: { images: { table: child, schema } },
    });
    const images = ((await store.get('p1'))?.value as { images?: Row[] } | undefined)?.images;
    expect(images?.map((r) => r['note\\'])).toEqual(["'; SELECT 1; --"]);
  });
});
