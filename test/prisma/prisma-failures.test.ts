import { PrismaPg } from '@prisma/adapter-pg';
import { add, CommitUnknownError, collection, inc, isNoclobberError, type RetryInfo, type Row } from 'noclobber';
import { PrismaStore } from 'noclobber/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/services/index.js';
import { service } from '../setup/services.js';
import type { TestPrismaClient } from './prisma-harness.js';
import { openShop, type ShopFixture } from './shop-fixture.js';

const url = (await service('postgres')) as string;

/** Driver failures that prove nothing was sent (as the fault suite's `workers.ts` says). */
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|57P03|53300|not queryable|Cannot use a pool/;
const causeOf = (e: unknown) => {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return `${c?.code ?? ''} ${c?.message ?? ''}`;
};

/**
 * Failures through Prisma classified by phase, as on `pg` (docs/design.md, "Failures by
 * phase"): nothing sent → TransientError, sent and unanswered → CommitUnknownError, a COMMIT
 * of a transaction PostgreSQL aborted → DatabaseError. Test seams inside PostgreSQL: triggers
 * that sleep `faults.statement_ms` while a write runs and `faults.commit_ms` at COMMIT.
 */
describe.skipIf(!url)('prisma: what a failure means depends on when it happened', () => {
  let shop: ShopFixture;
  let admin: TestPrismaClient;
  const victims: TestPrismaClient[] = [];
  let seq = 0;

  beforeAll(async () => {
    shop = await openShop(url);
    admin = shop.client(2);
  });
  afterAll(async () => {
    await Promise.all(victims.map((v) => v.$disconnect()));
    await shop?.close();
  });

  /** A table of counters with markers, and the two sleeping triggers. */
  async function faultTable(rows: readonly string[]): Promise<string> {
    const t = `faults_${++seq}`;
    await admin.$executeRawUnsafe(
      `CREATE TABLE ${t} (id text PRIMARY KEY, n integer NOT NULL CHECK (n < 100), markers jsonb NOT NULL, version integer NOT NULL)`,
    );
    await admin.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION fault_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(coalesce(nullif(current_setting('faults.statement_ms', true), ''), '0')::int / 1000.0); RETURN NEW; END $$`);
    await admin.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION fault_commit_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(coalesce(nullif(current_setting('faults.commit_ms', true), ''), '0')::int / 1000.0); RETURN NULL; END $$`);
    await admin.$executeRawUnsafe(
      `CREATE TRIGGER slow_statement BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION fault_sleep()`,
    );
    await admin.$executeRawUnsafe(
      `CREATE CONSTRAINT TRIGGER slow_commit AFTER UPDATE ON ${t} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fault_commit_sleep()`,
    );
    for (const id of rows) await admin.$executeRawUnsafe(`INSERT INTO ${t} VALUES ($1, 0, '[]', 1)`, id);
    return t;
  }

  /** A client with one connection, named so that only its backend is terminated, with `settings` on its session. */
  async function victim(settings: Record<string, string>): Promise<{ client: TestPrismaClient; name: string }> {
    const name = `nc_victim_${process.pid}_${++seq}`;
    const client = new shop.PrismaClient({
      adapter: new PrismaPg({
        connectionString: url,
        max: 1,
        application_name: name,
        options: `-c search_path=${shop.schema}`,
      }),
    });
    victims.push(client);
    for (const [k, v] of Object.entries(settings))
      await client.$executeRawUnsafe(`SELECT set_config($1, $2, false)`, k, v);
    return { client, name };
  }

  /** Terminates the named backend once it is running a statement that starts with `prefix`. */
  async function terminateWhile(name: string, prefix: string): Promise<void> {
    for (let i = 0; i < 2000; i++) {
      const rows = (await admin.$queryRawUnsafe(
        `SELECT pg_terminate_backend(pid, 10000) AS done FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE $2`,
        name,
        `${prefix}%`,
      )) as { done: boolean }[];
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${name} never ran ${prefix}`);
  }

  const row = async (t: string, id: string) =>
    ((await admin.$queryRawUnsafe(`SELECT n, markers FROM ${t} WHERE id = $1`, id)) as Row[])[0];

  it('a refused connection sent nothing: TransientError (retried, counted by cause), never CommitUnknownError — autocommit and transaction', async () => {
    const t = await faultTable(['a']);
    const down = new shop.PrismaClient({
      adapter: new PrismaPg({
        connectionString: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/x`,
        max: 1,
      }),
    });
    victims.push(down);
    const schema = shop.schema;
    // open() reads the catalog: a refused connection there is the same TransientError.
    const opened = await PrismaStore.open(down, { table: t, schema, key: 'id' }).catch((e: unknown) => e);
    expect(opened).toMatchObject({ code: 'transient', reason: 'connection' });
    const store = (await PrismaStore.open(admin, { table: t, schema, key: 'id' })).on(down);
    const docs = collection(store);
    const retry = { attempts: 2, baseMs: 1, capMs: 1 };
    for (const call of [
      () => docs.apply('a', [inc('n', 1)], { retry }),
      () => docs.transact((tx) => tx.apply('a', [inc('n', 1)]), { retry }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err, String(err)).toMatchObject({
        code: 'transient',
        reason: 'connection',
        attempts: 2,
        attemptsByCause: { connection: 2 },
      });
      expect(causeOf(err)).toMatch(NEVER_SENT);
    }
    expect((await row(t, 'a'))?.n).toBe(0);
  });

  it('an autocommit write whose backend is terminated while it runs is CommitUnknownError (it was sent), and was not applied', async () => {
    const t = await faultTable(['a']);
    const { client, name } = await victim({ 'faults.statement_ms': '3000' });
    const docs = collection(await PrismaStore.open(client, { table: t, key: 'id' }));
    const write = docs
      .apply('a', [inc('n', 1), add('markers', 'w1')], { retry: { attempts: 3, baseMs: 1, capMs: 1 } })
      .catch((e: unknown) => e);
    await terminateWhile(name, 'WITH w AS (UPDATE');
    const err = await write;
    expect(err, String(err)).toBeInstanceOf(CommitUnknownError);
    expect(causeOf(err)).not.toMatch(NEVER_SENT);
    expect(await row(t, 'a')).toEqual({ n: 0, markers: [] });
  });

  it('a transaction whose backend is terminated before COMMIT is a TransientError: retried, written once', async () => {
    const t = await faultTable(['a', 'b']);
    const { client, name } = await victim({ 'faults.statement_ms': '3000' });
    const docs = collection(await PrismaStore.open(client, { table: t, key: 'id' }));
    const retries: string[] = [];
    const done = docs.transact(
      async (tx) => {
        await tx.apply('a', [inc('n', 1), add('markers', 't1')]);
        await tx.apply('b', [inc('n', 1), add('markers', 't1')]);
      },
      { retry: { baseMs: 1, capMs: 2, onRetry: (r: RetryInfo) => void retries.push(r.cause) } },
    );
    await terminateWhile(name, 'WITH w AS (UPDATE');
    // The retry runs on a new connection, without the session's sleep setting.
    await done;
    expect(retries).toEqual(['connection']);
    expect(await row(t, 'a')).toEqual({ n: 1, markers: ['t1'] });
    expect(await row(t, 'b')).toEqual({ n: 1, markers: ['t1'] });
  });

  it('a transaction whose backend is terminated during COMMIT is CommitUnknownError, never a retry', async () => {
    const t = await faultTable(['a']);
    const { client, name } = await victim({ 'faults.commit_ms': '3000' });
    const docs = collection(await PrismaStore.open(client, { table: t, key: 'id' }));
    let runs = 0;
    const done = docs
      .transact(
        async (tx) => {
          runs++;
          await tx.apply('a', [inc('n', 1), add('markers', 'c1')]);
        },
        { retry: { baseMs: 1, capMs: 2 } },
      )
      .catch((e: unknown) => e);
    await terminateWhile(name, 'COMMIT');
    const err = await done;
    expect(err, String(err)).toBeInstanceOf(CommitUnknownError);
    expect(causeOf(err)).not.toMatch(NEVER_SENT);
    expect(runs).toBe(1);
    expect(await row(t, 'a')).toEqual({ n: 0, markers: [] });
  });

  it('a transaction whose closure caught a failed statement is not reported committed: DatabaseError, nothing written', async () => {
    const t = await faultTable(['a', 'b']);
    await admin.$executeRawUnsafe(`UPDATE ${t} SET n = 99 WHERE id = 'b'`);
    const docs = collection(await PrismaStore.open(admin, { table: t, key: 'id' }));
    const err = await docs
      .transact(async (tx) => {
        await tx.apply('a', [inc('n', 10)]);
        // The CHECK constraint refuses this statement (23514); PostgreSQL aborts the transaction.
        await tx.apply('b', [inc('n', 5)]).catch(() => undefined);
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'database', retryable: false });
    expect(isNoclobberError(err)).toBe(true);
    expect((await row(t, 'a'))?.n).toBe(0);
    expect((await row(t, 'b'))?.n).toBe(99);
  });
});
