import { collection, inc, merge } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { newPool, uniqueTable } from './pg-harness.js';

const url = (await service('postgres')) as string;

describe.skipIf(!url)('PostgreSQL: statements prepared once per connection', () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });

  it('writes keep working after a column is added while connections hold prepared statements', async () => {
    const pool = newPool(url, 1);
    pools.push(pool);
    const table = uniqueTable('prep');
    await pool.query(
      `CREATE TABLE ${table} (id text PRIMARY KEY, n double precision, env jsonb, version integer NOT NULL)`,
    );
    const docs = collection(await PostgresStore.open(pool, { table, key: 'id' }));
    await docs.create('a', { id: 'a', n: 0, env: {} });
    for (let i = 0; i < 5; i++) await docs.apply('a', [inc('n', 1), merge('env', { [`K${i}`]: 'v' })]);
    const prepared = (
      await pool.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'noclobber_%'`)
    ).rows[0].n as number;
    expect(prepared).toBeGreaterThan(0); // the same connection (max 1) planned these once
    // A migration adds a column: a statement returning t.* would now fail with
    // "cached plan must not change result type"; ours list their columns.
    await pool.query(`ALTER TABLE ${table} ADD COLUMN note text`);
    const after = await docs.apply('a', [inc('n', 1), merge('env', { K9: 'v' })]);
    expect(after.value.n).toBe(6);
    expect((await docs.get('a'))?.value.env).toMatchObject({ K0: 'v', K9: 'v' });
  });

  it('prepare: false sends every statement unnamed (for a transaction-mode PgBouncer)', async () => {
    const pool = newPool(url, 1);
    pools.push(pool);
    const table = uniqueTable('unprep');
    await pool.query(`CREATE TABLE ${table} (id text PRIMARY KEY, n double precision, version integer NOT NULL)`);
    const docs = collection(await PostgresStore.open(pool, { table, key: 'id', prepare: false }));
    await docs.create('a', { id: 'a', n: 0 });
    for (let i = 0; i < 4; i++) await docs.apply('a', [inc('n', 1)]);
    const names = (
      await pool.query(`SELECT statement FROM pg_prepared_statements WHERE statement LIKE $1`, [`%${table}%`])
    ).rows;
    expect(names).toEqual([]);
    expect((await docs.get('a'))?.value.n).toBe(4);
  });
});
