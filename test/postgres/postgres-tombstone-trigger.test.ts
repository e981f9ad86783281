import fc from 'fast-check';
import { collection, type Row } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { uniqueTable } from './pg-harness.js';
import { suitePools } from './suite-pools.js';

const url = (await service('postgres')) as string;

/** Quotes one identifier for the test's own DDL. */
const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

describe.skipIf(!url)('PostgreSQL: the tombstone trigger covers deletes made around noclobber', () => {
  const { pool } = suitePools(url);
  let admin: pg.Pool;
  beforeAll(() => {
    admin = pool();
  });

  /** Runs a store's trigger DDL, one statement at a time. */
  async function install(store: { tombstoneTriggerDdl(): readonly string[] }): Promise<void> {
    for (const statement of store.tombstoneTriggerDdl()) await admin.query(statement);
  }

  async function docsTable(): Promise<string> {
    const table = uniqueTable('trig');
    await admin.query(`CREATE TABLE ${table} (id text PRIMARY KEY, title text, version integer NOT NULL)`);
    return table;
  }

  it('a plain DELETE leaves the tombstone the store’s delete would: the next record starts after it, the old version is stale', async () => {
    const table = await docsTable();
    const store = await PostgresStore.open<Row>(pool(), { table, key: 'id' });
    await install(store);
    const docs = collection(store);
    const first = await docs.create('k', { id: 'k', title: 'one' });
    const updated = await docs.apply('k', [], { expect: { version: first.version } });
    await admin.query(`DELETE FROM ${table} WHERE id = 'k'`);
    const second = await docs.create('k', { id: 'k', title: 'two' });
    expect(BigInt(second.version)).toBe(BigInt(updated.version) + 1n);
    expect(await docs.apply('k', [], { expect: { version: updated.version } }).catch((e: unknown) => e)).toMatchObject({
      reason: 'stale',
    });
    // Without the trigger (the documented limit), the same plain DELETE let version 1 come again.
    const bare = await docsTable();
    const plain = collection(await PostgresStore.open<Row>(pool(), { table: bare, key: 'id' }));
    const once = await plain.create('k', { id: 'k' });
    await admin.query(`DELETE FROM ${bare} WHERE id = 'k'`);
    expect((await plain.create('k', { id: 'k' })).version).toBe(once.version);
  });

  it('the store’s own delete with the trigger installed keeps one tombstone at the deleted version (not bumped twice)', async () => {
    const table = await docsTable();
    const store = await PostgresStore.open<Row>(pool(), { table, key: 'id' });
    await install(store);
    await install(store); // idempotent: a migration may run it again
    const docs = collection(store);
    await docs.create('k', { id: 'k' });
    const deleted = await docs.delete('k');
    const { rows } = await admin.query(
      `SELECT version::text AS v, count(*) OVER () AS n FROM noclobber_tombstones WHERE store = $1 AND key = 'k'`,
      [`"public"."${table}"`],
    );
    expect(rows).toEqual([{ v: deleted.version, n: '1' }]);
    expect((await docs.create('k', { id: 'k' })).version).toBe(String(Number(deleted.version) + 1));
  });

  it('composite keys, timestamp versions, cascades and a hostile table name: every deleted row gets the store’s tombstone', async () => {
    const schema = `trig "s" $nc0$ '${process.pid}`;
    await admin.query(`CREATE SCHEMA ${q(schema)}`);
    const parentName = `parent "p" $nc0$ ';--`;
    const childName = `child's "items"`;
    const parent = `${q(schema)}.${q(parentName)}`;
    const child = `${q(schema)}.${q(childName)}`;
    await admin.query(
      `CREATE TABLE ${parent} (tenant text, id integer, version integer NOT NULL, PRIMARY KEY (tenant, id))`,
    );
    await admin.query(
      `CREATE TABLE ${child} (tenant text, id integer, n integer, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant, id, n),
         FOREIGN KEY (tenant, id) REFERENCES ${parent} ON DELETE CASCADE)`,
    );
    const parents = await PostgresStore.open<Row>(pool(), { table: parentName, schema, key: ['tenant', 'id'] });
    const children = await PostgresStore.open<Row>(pool(), {
      table: childName,
      schema,
      key: ['tenant', 'id', 'n'],
      version: 'updated_at',
      versionKind: 'timestamp',
    });
    await install(parents);
    await install(children);
    const p = collection(parents);
    const c = collection(children);
    const made = await p.create({ tenant: 't', id: 1 }, { tenant: 't', id: 1 });
    const kid = await c.create({ tenant: 't', id: 1, n: 1 }, { tenant: 't', id: 1, n: 1 });
    // One plain DELETE of the parent; the child goes by cascade.
    await admin.query(`DELETE FROM ${parent} WHERE tenant = 't' AND id = 1`);
    // Created again: after the tombstone the trigger kept from OLD's typed columns.
    expect((await p.create({ tenant: 't', id: 1 }, { tenant: 't', id: 1 })).version).toBe(
      String(Number(made.version) + 1),
    );
    const kid2 = await c.create({ tenant: 't', id: 1, n: 1 }, { tenant: 't', id: 1, n: 1 });
    expect(BigInt(kid2.version)).toBeGreaterThan(BigInt(kid.version));
    const stores = await admin.query(`SELECT DISTINCT store FROM ${q(schema)}.noclobber_tombstones ORDER BY store`);
    expect(stores.rows.map((r) => r.store)).toEqual([child, parent].sort());
  });

  it('generated histories of creates, noclobber deletes and plain deletes, from two connections: no version names two records of a key', async () => {
    const table = await docsTable();
    const store = await PostgresStore.open<Row>(pool(), { table, key: 'id' });
    await install(store);
    const a = collection(store);
    const b = collection(await PostgresStore.open<Row>(pool(), { table, key: 'id' }));
    const step = fc.record({
      key: fc.constantFrom('x', 'y'),
      what: fc.constantFrom('create', 'update', 'delete', 'plain delete'),
      via: fc.constantFrom('a', 'b'),
    });
    let n = 0;
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 16 }), async (steps) => {
        // Each run on keys of its own, so a counterexample is the whole history.
        const run = n++;
        const seen = new Map<string, string>(); // key@version -> title it named
        await Promise.all(
          steps.map(async ({ key: k, what, via: name }, i) => {
            const key = `${run}-${k}`;
            const via = name === 'a' ? a : b;
            const title = `t${i}`;
            const write =
              what === 'create'
                ? via.create(key, { id: key, title })
                : what === 'update'
                  ? via.update(key, (v) => ({ ...v, title }))
                  : what === 'delete'
                    ? via.delete(key)
                    : admin.query(`DELETE FROM ${table} WHERE id = $1`, [key]).then(() => undefined);
            const snap = await write.catch(() => undefined);
            if (snap && what !== 'delete') {
              const id = `${key}@${snap.version}`;
              expect(seen.get(id) ?? title, `${id} named two records`).toBe(title);
              seen.set(id, title);
              acknowledged++;
            }
          }),
        );
      }),
      { numRuns: 40, seed: 20261201 },
    );
    expect(acknowledged).toBeGreaterThan(0);
  });
});
