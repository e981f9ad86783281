import { type Collection, collection, type Row, SetupError } from 'noclobber';
import { PostgresStore, pgTombstoneDdl } from 'noclobber/postgres';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { uniqueTable } from './pg-harness.js';
import { suitePools } from './suite-pools.js';

const url = (await service('postgres')) as string;

/** No version may be acknowledged twice for one key. */
function expectUnique(versions: readonly string[]): void {
  expect(
    versions.filter((v, i) => versions.indexOf(v) !== i),
    `versions ${versions.join(' ')}`,
  ).toEqual([]);
}

describe.skipIf(!url)('PostgreSQL: a version never names two incarnations of a key', () => {
  let admin: pg.Pool;
  const { pool, adopt } = suitePools(url);
  beforeAll(() => {
    admin = pool();
  });

  async function docsTable(extra = ''): Promise<string> {
    const table = uniqueTable('inc');
    await admin.query(`CREATE TABLE ${table} (id text PRIMARY KEY, title text, version integer NOT NULL${extra})`);
    return table;
  }

  /** Waits (bounded) until a statement on `table` sleeps in the test's trigger. */
  async function sleepingOn(table: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE $1`,
        [`%${table}%`],
      );
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the create never reached the trigger');
  }

  it('READ COMMITTED: a create whose statement began before another record of the key was created and deleted starts after it', async () => {
    const table = await docsTable();
    // A seam, not timing luck: the trigger holds the create's statement after its snapshot and before its insert.
    await admin.query(`CREATE FUNCTION ${table}_slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.title = 'slow' THEN PERFORM pg_sleep(0.6); END IF; RETURN NEW; END $$`);
    await admin.query(`CREATE TRIGGER slow BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_slow()`);
    const a = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const b = collection(await PostgresStore.open(pool(), { table, key: 'id' }), { retry: { attempts: 1 } });
    for (let round = 0; round < 3; round++) {
      const id = `k${round}`;
      const acknowledged: string[] = [];
      const slow = a.create(id, { id, title: 'slow' });
      await sleepingOn(table);
      // Meanwhile another client creates the key and deletes it again, both committed.
      const fast = await b.create(id, { id, title: 'fast' }).catch((e: unknown) => e);
      if (!(fast instanceof Error)) acknowledged.push((fast as { version: string }).version);
      else expect(fast).toMatchObject({ code: 'conflict', reason: 'exists' });
      await b.delete(id).catch((e: unknown) => expect(e).toMatchObject({ reason: 'gone' }));
      acknowledged.push((await slow).version);
      expectUnique(acknowledged);
    }
  });

  it('REPEATABLE READ: a create whose snapshot predates another incarnation of the key is re-run, never given its version', async () => {
    const table = await docsTable();
    const a = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const b = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    await a.create('other', { id: 'other' });
    const acknowledged: string[] = [];
    let attempts = 0;
    const created = await a.transact(async (tx) => {
      attempts++;
      await tx.get('other'); // the snapshot is taken here
      if (attempts === 1) {
        acknowledged.push((await b.create('k', { id: 'k', title: 'elsewhere' })).version);
        await b.delete('k');
      }
      return tx.create('k', { id: 'k', title: 'in the transaction' });
    });
    acknowledged.push(created.version);
    expectUnique(acknowledged);
    expect(attempts).toBe(2);
  });

  it('keys are compared as their column stores them; rows written before noclobber need no tombstone', async () => {
    const table = uniqueTable('inc_items');
    await admin.query(
      `CREATE TABLE ${table} (tenant text, id integer, title text, version integer NOT NULL, PRIMARY KEY (tenant, id))`,
    );
    await admin.query(`INSERT INTO ${table} VALUES ('t', 1, 'legacy', 7)`);
    const items = collection(await PostgresStore.open(pool(), { table, key: ['tenant', 'id'] }));
    // Deleted as '01', created again as 1: the same row, so the same tombstone.
    expect((await items.delete({ tenant: 't', id: '01' })).version).toBe('7');
    const again = await items.create({ tenant: 't', id: 1 }, { tenant: 't', id: 1, title: 'new' });
    expect(again.version).toBe('8');
    expect(
      await items.apply({ tenant: 't', id: 1 }, [], { expect: { version: '7' } }).catch((e: unknown) => e),
    ).toMatchObject({ reason: 'stale' });
  });

  it('timestamp versions start after the tombstone even when the clock is behind it', async () => {
    const table = uniqueTable('inc_ts');
    await admin.query(`CREATE TABLE ${table} (id text PRIMARY KEY, title text, updated_at timestamptz NOT NULL)`);
    const docs = collection(
      await PostgresStore.open(pool(), { table, key: 'id', version: 'updated_at', versionKind: 'timestamp' }),
    );
    const first = await docs.create('k', { id: 'k', title: 'one' });
    await docs.delete('k');
    // A tombstone an hour ahead: as if the clock had gone back since the delete.
    const { rows } = await admin.query(
      `UPDATE noclobber_tombstones SET version = version + 3600000000 WHERE store = $1 AND key = 'k' RETURNING version::text AS v`,
      [`"public"."${table}"`],
    );
    const tomb = BigInt(rows[0]?.v as string);
    const second = await docs.create('k', { id: 'k', title: 'two' });
    expect(BigInt(second.version)).toBe(tomb + 1n);
    expect(second.version).not.toBe(first.version);
  });

  it('the table of tombstones: made once in the table’s schema, even by stores opening at once', async () => {
    // Six sessions race to create the table in each of 12 fresh schemas. The catalog race has
    // three losing errors (unique_violation, duplicate_table, duplicate_object: "type … already
    // exists"); the last one once escaped open() as a SetupError under two concurrent suites.
    const sessions = Array.from({ length: 6 }, () => pool());
    for (let round = 0; round < 12; round++) {
      const schema = `inc_schema_${process.pid}_${round}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      const tables = Array.from({ length: 6 }, (_, i) => `${schema}.t${i}`);
      await admin.query(
        tables.map((t) => `CREATE TABLE ${t} (id text PRIMARY KEY, version integer NOT NULL)`).join(';'),
      );
      const stores = await Promise.all(
        tables.map((table, i) => PostgresStore.open(sessions[i] as pg.Pool, { table, key: 'id' })),
      );
      expect(stores).toHaveLength(6);
      const found = await admin.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [
        `${schema}.noclobber_tombstones`,
      ]);
      expect(found.rows[0]?.found).toBe(true);
      const docs = collection(stores[round % 6] as PostgresStore<Row>);
      await docs.create('k', { id: 'k' });
      await docs.delete('k');
      const tomb = await admin.query(
        `SELECT store, key, version FROM ${schema}.noclobber_tombstones WHERE deleted_at IS NOT NULL`,
      );
      expect(tomb.rows).toEqual([{ store: `"${schema}"."t${round % 6}"`, key: 'k', version: '1' }]);
    }
  });

  it('stores opened at once inside transactions (a Prisma extension binds on its first call) make the table without aborting them', async () => {
    const schema = `inc_tx_${process.pid}`;
    await admin.query(
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.docs (id text PRIMARY KEY, version integer NOT NULL)`,
    );
    const shared = pool();
    const results = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = await shared.connect();
        try {
          await client.query('BEGIN');
          // The store's statements run in this transaction, as on a Prisma transaction client.
          const inTx = { query: client.query.bind(client), connect: async () => client } as unknown as pg.Pool;
          await PostgresStore.open(inTx, { table: `${schema}.docs`, key: 'id' });
          // The CREATE that lost the race must not have aborted the transaction (25P02).
          const alive = await client.query('SELECT 1 AS one');
          await client.query('COMMIT');
          return alive.rows[0]?.one;
        } catch (e) {
          await client.query('ROLLBACK');
          return e;
        } finally {
          client.release();
        }
      }),
    );
    expect(results).toEqual([1, 1, 1, 1]);
    const found = await admin.query('SELECT to_regclass($1) IS NOT NULL AS found', [`${schema}.noclobber_tombstones`]);
    expect(found.rows[0]?.found).toBe(true);
  });

  it('a table of tombstones that may not be created is a SetupError with its DDL, at open', async () => {
    const table = await docsTable();
    const named = `${table}_graves`;
    const refused = await PostgresStore.open(admin, {
      table,
      key: 'id',
      tombstoneTable: named,
      createTombstoneTable: false,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SetupError);
    expect(refused).toMatchObject({ code: 'setup', statements: pgTombstoneDdl(`"public"."${named}"`) });
    // A role without CREATE gets the same, with the database's refusal as the cause.
    const role = `nc_user_${process.pid}`;
    const schema = `inc_locked_${process.pid}`;
    await admin.query(`CREATE ROLE ${role}; CREATE SCHEMA ${schema}; GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await admin.query(
      `CREATE TABLE ${schema}.docs (id text PRIMARY KEY, version integer NOT NULL); GRANT ALL ON ${schema}.docs TO ${role}`,
    );
    const limited = new pg.Pool({ connectionString: url, max: 2, options: `-c role=${role}` });
    limited.on('error', () => {});
    adopt(limited);
    const denied = await PostgresStore.open(limited, { table: `${schema}.docs`, key: 'id' }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'setup', statements: pgTombstoneDdl(`"${schema}"."noclobber_tombstones"`) });
    expect((denied as SetupError).cause).toMatchObject({ code: 'database' });
    // Run by the owner, the DDL is what the store needs.
    await admin.query((denied as SetupError).statements);
    await admin.query(`GRANT ALL ON ${schema}.noclobber_tombstones TO ${role}`);
    const docs: Collection<Row> = collection(await PostgresStore.open(limited, { table: `${schema}.docs`, key: 'id' }));
    const first = await docs.create('k', { id: 'k' });
    await docs.delete('k');
    expect((await docs.create('k', { id: 'k' })).version).not.toBe(first.version);
  });

  it('a type already named like the table of tombstones (the losing error of a catalog race) is a SetupError naming it, not "no column"', async () => {
    const table = await docsTable();
    const named = `${table}_typed`;
    await admin.query(`CREATE TYPE ${named} AS (a int)`);
    const blocked = await PostgresStore.open(admin, { table, key: 'id', tombstoneTable: named }).catch(
      (e: unknown) => e,
    );
    expect(blocked).toBeInstanceOf(SetupError);
    expect(blocked).toMatchObject({ code: 'setup', statements: pgTombstoneDdl(`"public"."${named}"`) });
    expect((blocked as Error).message).toMatch(/another object \(a type or a relation\) has its name/);
  });
});
