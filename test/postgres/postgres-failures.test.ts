import { collection, inc, isNoclobberError, set } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/services/index.js';
import { faultyPool, terminateAndWait } from '../faults/fault-pool.js';
import { service } from '../setup/services.js';
import { uniqueTable } from './pg-harness.js';
import { suitePools } from './suite-pools.js';

const url = (await service('postgres')) as string;

/** A URL nothing listens on: every connect is refused before anything is sent. */
async function refusedUrl(): Promise<string> {
  const u = new URL(url);
  u.port = String(await freePort());
  return u.toString();
}

describe.skipIf(!url)('PostgreSQL: what a failure means depends on when it happened', () => {
  const { pool } = suitePools(url);
  let admin: pg.Pool;
  beforeAll(() => {
    admin = pool();
  });

  async function accounts(rows: Record<string, number>) {
    const table = uniqueTable('fail');
    await admin.query(
      `CREATE TABLE ${table} (id text PRIMARY KEY, balance double precision NOT NULL, version integer NOT NULL)`,
    );
    for (const [id, balance] of Object.entries(rows))
      await admin.query(`INSERT INTO ${table} VALUES ($1, $2, 1)`, [id, balance]);
    return table;
  }

  /** A pool that is the real one, or one whose every connection is refused (a real ECONNREFUSED), as `refuse()` says. */
  async function switchable(refuse: () => boolean) {
    const real = pool();
    const down = pool(await refusedUrl());
    return {
      connect: () => (refuse() ? down.connect() : real.connect()),
      query: ((...args: Parameters<pg.Pool['query']>) =>
        refuse() ? down.query(...args) : real.query(...args)) as never,
    };
  }

  it('a refused connection sent nothing: TransientError (retried), never CommitUnknownError', async () => {
    const table = await accounts({ a: 1 });
    let down = false;
    const docs = collection(await PostgresStore.open(await switchable(() => down), { table, key: 'id' }));
    down = true;
    for (const call of [
      () => docs.apply('a', [inc('balance', 1)], { retry: { attempts: 2, baseMs: 1, capMs: 1 } }),
      () => docs.delete('a', { retry: { attempts: 2, baseMs: 1, capMs: 1 } }),
    ]) {
      const err = await call().catch((e) => e);
      expect(err).toMatchObject({
        code: 'transient',
        reason: 'connection',
        retryable: true,
        attempts: 2,
        attemptsByCause: { connection: 2 },
      });
      expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
    }
    const tx = await docs
      .transact(async (t) => t.apply('a', [inc('balance', 1)]), { retry: { attempts: 2, baseMs: 1, capMs: 1 } })
      .catch((e) => e);
    expect(tx).toMatchObject({ code: 'transient', reason: 'connection', attempts: 2 });
    expect((await admin.query(`SELECT balance FROM ${table}`)).rows[0].balance).toBe(1);
  });

  it('open() on a refused connection is a noclobber TransientError with the driver error as cause', async () => {
    const table = await accounts({ a: 1 });
    const err = await PostgresStore.open(pool(await refusedUrl()), { table, key: 'id' }).catch((e) => e);
    expect(isNoclobberError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'transient', reason: 'connection' });
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('every catalog query of open() maps a lost connection, SHOW server_version_num included', async () => {
    const table = await accounts({ a: 1 });
    for (const target of ['pg_attribute', 'SHOW server_version_num']) {
      let fired = false;
      const flaky = faultyPool(pool(), () => ({
        before: async (p) => {
          if (fired || !p.sql.includes(target)) return;
          fired = true;
          await terminateAndWait(admin, p);
        },
      }));
      const err = await PostgresStore.open(flaky, { table, key: 'id' }).catch((e) => e);
      expect(fired).toBe(true);
      expect(isNoclobberError(err), `${target}: ${err}`).toBe(true);
      expect(err).toMatchObject({ code: 'transient', reason: 'connection' });
      expect(err.cause).toBeInstanceOf(Error);
    }
  });

  it('update keeps separate budgets: connection failures do not spend the conflict budget, and the cause is told', async () => {
    const table = await accounts({ a: 0 });
    // The first 11 connections are refused (a real ECONNREFUSED), then the server is back.
    let refusals = 0;
    const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const outage = collection(await PostgresStore.open(await switchable(() => refusals-- > 0), { table, key: 'id' }));
    refusals = 11;
    let calls = 0;
    const snap = await outage.update(
      'a',
      async (v) => {
        calls++;
        // A competing writer lands between the first successful read and its write.
        if (calls === 1) await docs.apply('a', [inc('balance', 100)]);
        return { ...v, balance: (v.balance as number) + 1 };
      },
      { retry: { baseMs: 1, capMs: 2 } },
    );
    expect(snap.value.balance).toBe(101);
    expect(calls).toBe(2);

    // A longer outage gives up with the connection failure it really was, counted by cause.
    refusals = 1000;
    const err = await outage
      .update('a', (v) => ({ ...v, balance: 0 }), { retry: { attempts: 4, baseMs: 1, capMs: 1 } })
      .catch((e) => e);
    expect(err).toMatchObject({
      code: 'transient',
      reason: 'connection',
      attempts: 4,
      attemptsByCause: { connection: 4 },
    });
    expect((await docs.get('a'))?.value.balance).toBe(101);
  });

  it('a transaction whose closure caught a failed statement is not reported committed: COMMIT answered ROLLBACK is a DatabaseError', async () => {
    const table = await accounts({ a: 1, b: 1 });
    await admin.query(`ALTER TABLE ${table} ADD CONSTRAINT positive CHECK (balance >= 0)`);
    const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
    const err = await docs
      .transact(async (tx) => {
        await tx.apply('a', [inc('balance', 10)]);
        // The CHECK constraint refuses this statement (23514); PostgreSQL aborts the transaction.
        await tx.apply('b', [inc('balance', -5)]).catch(() => undefined);
      })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'database', retryable: false });
    expect((await admin.query(`SELECT balance FROM ${table} ORDER BY id`)).rows).toEqual([
      { balance: 1 },
      { balance: 1 },
    ]);
  });

  it('a lock timeout is not multiplied by retries: apply, update and withLock answer after about one lock_timeout', async () => {
    const table = await accounts({ a: 1 });
    // Seed 004 sets lock_timeout on the server side (3 s).
    const p = pool();
    p.on('connect', (c) => void c.query(`SET lock_timeout = '3s'`).catch(() => {}));
    const docs = collection(await PostgresStore.open(p, { table, key: 'id' }), { lockTimeoutMs: 3000 });
    const holder = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM ${table} WHERE id = 'a' FOR UPDATE`);
      for (const [name, call] of [
        ['apply', () => docs.apply('a', [set('balance', 2)])],
        ['update', () => docs.update('a', (v) => ({ ...v, balance: 3 }))],
        ['withLock', () => docs.withLock('a', (l) => l.apply([set('balance', 4)]))],
      ] as const) {
        const started = Date.now();
        const err = await call().catch((e) => e);
        const took = Date.now() - started;
        expect(err, name).toMatchObject({ code: 'lock_timeout', httpStatus: 503 });
        expect(took, name).toBeGreaterThanOrEqual(2900);
        expect(took, name).toBeLessThan(4500);
      }
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect((await admin.query(`SELECT balance FROM ${table}`)).rows[0].balance).toBe(1);
  }, 60_000);
});
