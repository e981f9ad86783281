import { collection, inc, set } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import { uniqueTable } from './pg-harness.js';
import { suitePools } from './suite-pools.js';

const url = (await service('postgres')) as string;

describe.skipIf(!url)('PostgreSQL: the races noclobber exists for', () => {
  let admin: pg.Pool;
  const { pool } = suitePools(url);
  beforeAll(() => {
    admin = pool();
  });

  async function accounts(rows: Record<string, number>) {
    const table = uniqueTable('acct');
    await admin.query(
      `CREATE TABLE ${table} (id text PRIMARY KEY, balance double precision NOT NULL, version integer NOT NULL)`,
    );
    for (const [id, balance] of Object.entries(rows))
      await admin.query(`INSERT INTO ${table} VALUES ($1, $2, 1)`, [id, balance]);
    return table;
  }

  it('Hermitage P4: plain read-modify-write at READ COMMITTED loses an update; noclobber does not', async () => {
    const table = await accounts({ a: 100 });
    const [c1, c2] = [await admin.connect(), await pool().connect()];
    try {
      // The textbook interleaving, with plain SQL: both read 100, both write read+delta.
      await c1.query('BEGIN');
      await c2.query('BEGIN');
      const r1 = (await c1.query(`SELECT balance FROM ${table} WHERE id = 'a'`)).rows[0].balance as number;
      const r2 = (await c2.query(`SELECT balance FROM ${table} WHERE id = 'a'`)).rows[0].balance as number;
      await c1.query(`UPDATE ${table} SET balance = $1 WHERE id = 'a'`, [r1 + 10]);
      const blocked = c2.query(`UPDATE ${table} SET balance = $1 WHERE id = 'a'`, [r2 + 20]);
      await c1.query('COMMIT');
      await blocked;
      await c2.query('COMMIT');
    } finally {
      c1.release();
      c2.release();
    }
    expect((await admin.query(`SELECT balance FROM ${table}`)).rows[0].balance).toBe(120); // the +10 is gone

    const t2 = await accounts({ a: 100 });
    const x = collection(await PostgresStore.open(pool(), { table: t2, key: 'id' }));
    const y = collection(await PostgresStore.open(pool(), { table: t2, key: 'id' }));
    const [sx, sy] = await Promise.all([x.get('a'), y.get('a')]);
    const results = await Promise.allSettled([
      x.replace(
        'a',
        { id: 'a', balance: (sx?.value.balance as number) + 10 },
        { expect: { version: sx?.version as string } },
      ),
      y.replace(
        'a',
        { id: 'a', balance: (sy?.value.balance as number) + 20 },
        { expect: { version: sy?.version as string } },
      ),
    ]);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.reason),
    ).toEqual(['stale']);
    // And the intent replayed through update() keeps both.
    await Promise.all([
      x.update('a', (v) => ({ ...v, balance: (v.balance as number) + 1 })),
      y.update('a', (v) => ({ ...v, balance: (v.balance as number) + 2 })),
    ]);
    const final = (await x.get('a'))?.value.balance as number;
    expect([113, 123]).toContain(final);
  });

  it('a competing write committed between read and write is a conflict; sibling rows are untouched', async () => {
    const table = await accounts({ a: 1, b: 2, c: 3 });
    const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const seen = await docs.get('b');
    await admin.query(`UPDATE ${table} SET balance = 20, version = version + 1 WHERE id = 'b'`);
    const err = await docs
      .replace('b', { id: 'b', balance: 99 }, { expect: { version: seen?.version as string } })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'conflict', reason: 'stale', expected: '1', actual: '2' });
    expect(err.current.value.balance).toBe(20);
    const rows = (await admin.query(`SELECT id, balance, version FROM ${table} ORDER BY id`)).rows;
    expect(rows).toEqual([
      { id: 'a', balance: 1, version: 1 },
      { id: 'b', balance: 20, version: 2 },
      { id: 'c', balance: 3, version: 1 },
    ]);
  });

  it('a write blocked on a row lock while the holder commits gets a conflict, not an overwrite', async () => {
    const table = await accounts({ a: 10 });
    const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const seen = await docs.get('a');
    const holder = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`UPDATE ${table} SET balance = 500, version = version + 1 WHERE id = 'a'`);
      const pending = docs
        .replace('a', { id: 'a', balance: 11 }, { expect: { version: seen?.version as string } })
        .catch((e) => e);
      // Wait until PostgreSQL itself shows our statement waiting on the lock.
      for (let i = 0; ; i++) {
        const waiting = await admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`%UPDATE "${table}"%`],
        );
        if (waiting.rows[0].n > 0) break;
        if (i > 200) throw new Error('the write never waited on the lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      await holder.query('COMMIT');
      const err = await pending;
      expect(err).toMatchObject({ code: 'conflict', reason: 'stale', expected: '1', actual: '2' });
      expect(err.current.value.balance).toBe(500);
    } finally {
      holder.release();
    }
    expect((await admin.query(`SELECT balance FROM ${table}`)).rows[0].balance).toBe(500);
  });

  it('an increment blocked on a row lock is computed from the committed row (no lost inc)', async () => {
    const table = await accounts({ a: 0 });
    const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const holder = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`UPDATE ${table} SET balance = balance + 100, version = version + 1 WHERE id = 'a'`);
      const pending = docs.apply('a', [inc('balance', 1)]);
      await new Promise((r) => setTimeout(r, 100));
      await holder.query('COMMIT');
      expect((await pending).value.balance).toBe(101);
    } finally {
      holder.release();
    }
  });

  it('pg_terminate_backend mid-transaction: a retryable error, the row unchanged, the pool keeps serving', async () => {
    const table = await accounts({ a: 5 });
    const p = pool();
    const docs = collection(await PostgresStore.open(p, { table, key: 'id' }), { retry: { attempts: 1 } });
    const err = await docs
      .transact(async (tx) => {
        await tx.apply('a', [set('balance', 999)]);
        const pid = (
          await admin.query(
            `SELECT pid FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND query LIKE $1`,
            [`%${table}%`],
          )
        ).rows[0]?.pid;
        expect(pid).toBeDefined();
        // With a timeout, pg_terminate_backend waits until the backend is gone (PostgreSQL 14+);
        // without one it only signals, and on a loaded machine the next query could still run.
        await admin.query('SELECT pg_terminate_backend($1, 10000)', [pid]);
        await tx.get('a');
      })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'transient', retryable: true });
    expect((await admin.query(`SELECT balance FROM ${table}`)).rows[0].balance).toBe(5);
    for (let i = 0; i < 5; i++) await docs.apply('a', [inc('balance', 1)]);
    expect((await docs.get('a'))?.value.balance).toBe(10);
  });

  it('two transact closures that deadlock are both applied exactly once in the end', async () => {
    const table = await accounts({ a: 0, b: 0 });
    const one = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const two = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    let runs = 0;
    let bothInside!: () => void;
    const barrier = new Promise<void>((r) => (bothInside = r));
    let inside = 0;
    const arrive = async () => {
      if (++inside === 2) bothInside();
      await Promise.race([barrier, new Promise((r) => setTimeout(r, 500))]);
    };
    const transfer = (c: typeof one, first: string, second: string, by: number) =>
      c.transact(
        async (tx) => {
          runs++;
          await tx.apply(first, [inc('balance', by)]);
          await arrive();
          await tx.apply(second, [inc('balance', by)]);
        },
        { isolation: 'read committed' },
      );
    await Promise.all([transfer(one, 'a', 'b', 1), transfer(two, 'b', 'a', 10)]);
    expect(runs).toBeGreaterThanOrEqual(3); // one closure was chosen as the deadlock victim and re-run
    const rows = (await admin.query(`SELECT id, balance FROM ${table} ORDER BY id`)).rows;
    expect(rows).toEqual([
      { id: 'a', balance: 11 },
      { id: 'b', balance: 11 },
    ]);
  });

  it('timestamp versions strictly increase, even for writes in the same microsecond', async () => {
    const table = uniqueTable('products');
    await admin.query(`CREATE TABLE ${table} (id text PRIMARY KEY, name text, updated_at timestamptz NOT NULL)`);
    const products = collection(
      await PostgresStore.open(pool(), { table, key: 'id', version: 'updated_at', versionKind: 'timestamp' }),
    );
    const created = await products.create('p', { id: 'p', name: 'x' });
    // Push the stored timestamp into the future: the next write must still move past it.
    await admin.query(`UPDATE ${table} SET updated_at = now() + interval '1 hour'`);
    const future = await products.get('p');
    const versions = [created.version, future?.version as string];
    const next = await products.transact(async (tx) => {
      const a = await tx.apply('p', [set('name', 'a')]);
      const b = await tx.apply('p', [set('name', 'b')]);
      return [a.version, b.version];
    });
    versions.push(...next);
    for (let i = 1; i < versions.length; i++)
      expect(BigInt(versions[i] as string) > BigInt(versions[i - 1] as string)).toBe(true);
    expect(BigInt(versions[3] as string) - BigInt(versions[2] as string)).toBe(1n);
    const err = await products
      .replace('p', { id: 'p', name: 'stale' }, { expect: { version: created.version } })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'conflict', reason: 'stale', actual: versions[3] });
  });

  it('lock timeout and nowait map 55P03 to LockTimeoutError / LockBusyError', async () => {
    const table = await accounts({ a: 1 });
    const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const holder = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM ${table} WHERE id = 'a' FOR UPDATE`);
      await expect(docs.withLock('a', async () => {}, { lockTimeoutMs: 100 })).rejects.toMatchObject({
        code: 'lock_timeout',
        retryable: true,
        httpStatus: 503,
      });
      await expect(docs.withLock('a', async () => {}, { nowait: true })).rejects.toMatchObject({ code: 'lock_busy' });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await docs.withLock('a', (l) => l.apply([inc('balance', 1)]));
    expect((await docs.get('a'))?.value.balance).toBe(2);
  });
});
