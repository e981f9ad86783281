import { PrismaPg } from '@prisma/adapter-pg';
import {
  CannotJoinError,
  collection,
  inc,
  isNoclobberError,
  RerunTransactionError,
  type Row,
  set,
  TransientError,
} from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { PrismaStatementError, PrismaStore } from 'noclobber/prisma';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service } from '../setup/services.js';
import type { TestPrismaClient } from './prisma-harness.js';
import { openShop, type ShopFixture } from './shop-fixture.js';

type Product = Row & { id: string; name: string; category: string; hits: number };

const url = (await service('postgres')) as string;

describe.skipIf(!url)('prisma: noclobber inside your prisma.$transaction, and what a failure is', () => {
  let shop: ShopFixture;
  let prisma: TestPrismaClient;
  let other: TestPrismaClient;
  let store: PrismaStore<Product>;
  let n = 0;
  const fresh = async () => {
    const id = `t${++n}`;
    await collection(store).create(id, { id, name: 'Tee', category: 'shirts', hits: 0 });
    return id;
  };
  const hits = async (id: string) => (await collection(store).get(id))?.value.hits;

  beforeAll(async () => {
    shop = await openShop(url);
    prisma = shop.client(4);
    other = shop.client(2);
    store = await PrismaStore.open<Product>(prisma, { model: 'Product' });
  });
  afterAll(() => shop?.close());

  it("a write on the transaction client commits with the caller's other writes, and rolls back with them", async () => {
    const id = await fresh();
    const run = (fail: boolean) =>
      prisma.$transaction(async (tx) => {
        await collection(store.on(tx)).apply(id, [inc('hits', 1)]);
        await tx.$queryRawUnsafe(
          `INSERT INTO product_images (id, product_id, storage_key, position) VALUES ($1, $2, 'k', 0)`,
          `${id}-${fail}`,
          id,
        );
        if (fail) throw new Error('the caller changed its mind');
      });
    await expect(run(true)).rejects.toThrow('changed its mind');
    expect(await hits(id)).toBe(0);
    expect(await prisma.$queryRawUnsafe('SELECT id FROM product_images WHERE product_id = $1', id)).toEqual([]);
    await run(false);
    expect(await hits(id)).toBe(1);
    expect(await prisma.$queryRawUnsafe('SELECT id FROM product_images WHERE product_id = $1', id)).toEqual([
      { id: `${id}-false` },
    ]);
  });

  it('at READ COMMITTED (Prisma default) a conflict inside the transaction is retried there: the intent re-runs, nothing is lost', async () => {
    const id = await fresh();
    let calls = 0;
    await prisma.$transaction(async (tx) => {
      await collection(store.on(tx)).update(id, async (p) => {
        calls++;
        if (calls === 1)
          await collection(await PrismaStore.open<Product>(other, { model: 'Product' })).apply(id, [inc('hits', 10)]);
        return { ...p, hits: p.hits + 1 };
      });
    });
    expect(calls).toBe(2);
    expect(await hits(id)).toBe(11);
  });

  it("at REPEATABLE READ a concurrent commit aborts the caller's transaction: RerunTransactionError, never retried inside it; re-running the transaction succeeds", async () => {
    const id = await fresh();
    const otherStore = await PrismaStore.open<Product>(other, { model: 'Product' });
    let calls = 0;
    const attempt = () =>
      prisma.$transaction(
        async (tx) => {
          await collection(store.on(tx)).update(id, async (p) => {
            calls++;
            if (calls === 1) await collection(otherStore).apply(id, [inc('hits', 10)]);
            return { ...p, hits: p.hits + 1 };
          });
        },
        { isolationLevel: 'RepeatableRead' },
      );
    const err = await attempt().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RerunTransactionError);
    expect(err).toMatchObject({
      code: 'rerun_transaction',
      reason: 'serialization',
      retryable: false,
      httpStatus: 503,
    });
    expect(((err as Error).cause as PrismaStatementError).code).toBe('40001');
    expect(calls).toBe(1);
    expect(await hits(id)).toBe(10);
    await attempt();
    expect(calls).toBe(2);
    expect(await hits(id)).toBe(11);
  });

  it('tx.with joins a store on the same client: both commit or neither; a store on a pg pool or on another client is CannotJoinError before anything is sent', async () => {
    const id = await fresh();
    const products = collection(store);
    const gadgets = collection(await PrismaStore.open(prisma, { model: 'Gadget' }));
    const g = `g-${id}`;
    await gadgets.create(g, { id: g, label: 'Lamp', releasedAt: '2026-01-27T10:00:00.000Z' });
    await products.transact(async (tx) => {
      await tx.apply(id, [inc('hits', 1)]);
      await tx.with(gadgets).apply(g, [set('label', 'Desk lamp')]);
      // Reads inside see the transaction's own writes, in both tables.
      expect((await tx.with(gadgets).get(g))?.value.label).toBe('Desk lamp');
    });
    expect(await hits(id)).toBe(1);
    expect((await gadgets.get(g))?.value.label).toBe('Desk lamp');
    await expect(
      products.transact(async (tx) => {
        await tx.apply(id, [inc('hits', 1)]);
        await tx.with(gadgets).apply(g, [set('label', 'never')]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await hits(id)).toBe(1);
    expect((await gadgets.get(g))?.value.label).toBe('Desk lamp');

    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    try {
      const elsewhere = [
        collection(await PostgresStore.open(pool, { table: `${shop.schema}.gadgets`, key: 'id' })),
        collection(await PrismaStore.open(other, { model: 'Gadget' })),
      ];
      for (const outside of elsewhere) {
        let sent = false;
        const err = await products
          .transact(async (tx) => {
            await tx.apply(id, [inc('hits', 1)]);
            const joined = tx.with(outside);
            sent = true;
            await joined.apply(g, [set('label', 'never')]);
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CannotJoinError);
        expect(sent).toBe(false);
      }
    } finally {
      await pool.end();
    }
    expect(await hits(id)).toBe(1);
    expect((await gadgets.get(g))?.value.label).toBe('Desk lamp');
  });

  it("noclobber's transaction inside the caller's (a savepoint) locks and writes, and leaves the caller's lock_timeout as it was", async () => {
    const id = await fresh();
    const setting = async (tx: { $queryRawUnsafe(q: string): Promise<unknown> }) =>
      ((await tx.$queryRawUnsafe(`SELECT current_setting('lock_timeout') AS v`)) as { v: string }[])[0]?.v;
    await prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT set_config('lock_timeout', '7s', true)`);
      const records = collection(store.on(tx));
      await records.transact(async (t) => {
        await t.lockAll([id]);
        await t.apply(id, [inc('hits', 1)]);
      });
      expect(await setting(tx)).toBe('7s');
      await records.transact((t) => t.apply(id, [inc('hits', 1)]));
      expect(await setting(tx)).toBe('7s');
    });
    expect(await hits(id)).toBe(2);
  });

  it("withLock inside the caller's transaction holds the row until the caller commits; a failing withLock rolls back only its savepoint", async () => {
    const id = await fresh();
    const rival = collection(await PrismaStore.open<Product>(other, { model: 'Product' }));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const inside = new Promise<void>((r) => (locked = r));
    const caller = prisma.$transaction(async (tx) => {
      const records = collection(store.on(tx));
      await records.apply(id, [set('name', 'before the lock')]);
      await expect(
        records.withLock(id, async (l) => {
          await l.apply([inc('hits', 100)]);
          throw new Error('undo only this');
        }),
      ).rejects.toThrow('undo only this');
      await records.withLock(id, async (l) => {
        await l.apply([inc('hits', 1)]);
      });
      locked();
      await held;
    });
    await inside;
    const busy = await rival
      .withLock(id, async () => 'got it', { nowait: true, retry: { attempts: 1 } })
      .catch((e: unknown) => e);
    expect(busy).toMatchObject({ code: 'lock_busy' });
    release();
    await caller;
    const final = (await rival.get(id))?.value;
    expect(final).toMatchObject({ name: 'before the lock', hits: 1 });
    expect(await rival.withLock(id, async () => 'got it', { nowait: true })).toBe('got it');
  });

  it("a refused statement is a typed error whose cause has the SQLSTATE, and whose cause is Prisma's error", async () => {
    const gadgets = collection(await PrismaStore.open(prisma, { model: 'Gadget' }));
    await gadgets.create('g-null', { id: 'g-null', label: 'Lamp', releasedAt: '2026-01-27T10:00:00.000Z' });
    const err = await gadgets.apply('g-null', [set('label', null)]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_change', reason: 'constraint' });
    const statement = (err as Error).cause as PrismaStatementError;
    expect(statement).toBeInstanceOf(PrismaStatementError);
    expect(statement.code).toBe('23502');
    expect((statement.cause as { code: string }).code).toBe('P2010');
    expect((await gadgets.get('g-null'))?.value).toMatchObject({
      label: 'Lamp',
      releasedAt: '2026-01-27T10:00:00.000Z',
    });
  });

  it('a backend terminated under withLock is a TransientError: rolled back and retried, written once', async () => {
    const id = await fresh();
    // A client of its own, named, so the test terminates its backend and no one else's.
    const name = `nc_kill_${process.pid}`;
    const victim = new shop.PrismaClient({
      adapter: new PrismaPg({
        connectionString: url,
        max: 1,
        application_name: name,
        options: `-c search_path=${shop.schema}`,
      }),
    });
    const records = collection(await PrismaStore.open<Product>(victim, { model: 'Product' }));
    let calls = 0;
    try {
      await records.withLock(id, async (l) => {
        calls++;
        if (calls === 1)
          await other.$queryRawUnsafe(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
            name,
          );
        await l.apply([inc('hits', 1)]);
      });
    } finally {
      await victim.$disconnect();
    }
    expect(calls).toBe(2);
    expect(await hits(id)).toBe(1);
  });

  it("an interactive transaction Prisma expires is a TransientError('canceled'); nothing is written", async () => {
    const id = await fresh();
    const short = await PrismaStore.open<Product>(prisma, { model: 'Product', transactionOptions: { timeout: 200 } });
    const err = await collection(short)
      .withLock(
        id,
        async (l) => {
          await new Promise((r) => setTimeout(r, 400));
          await l.apply([inc('hits', 1)]);
        },
        { retry: { attempts: 1 } },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ reason: 'canceled' });
    expect(isNoclobberError(err)).toBe(true);
    expect(await hits(id)).toBe(0);
  });
});
