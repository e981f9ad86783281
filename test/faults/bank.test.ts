import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { collection, type Row } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { PostgresStore } from 'noclobber/postgres';
import { SqliteStore } from 'noclobber/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { localClient } from '../../tools/services/index.js';
import { createTable } from '../dynamodb/dynamo-harness.js';
import { newPool, uniqueTable } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./bank-worker.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const wanted = process.env.STORES?.split(',').map((s) => s.trim());
const on = (store: string) => !wanted || wanted.includes(store);
const url = await service('postgres');
const endpoint = await service('dynamodb');

const PROCESSES = 3;
const WRITERS = 8;
/** Transfers per writer; DynamoDB Local (a JVM, ~100 requests/s on a busy 2-core machine) gets fewer. */
const TRANSFERS: Record<string, number> = { postgres: 15, sqlite: 15, dynamodb: 8 };
const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `acct-${i}`);

interface Outcome {
  acknowledged: string[];
  refused: string[];
  gaveUp: { id: string; code: string }[];
  retries: Record<string, number>;
  ms: number;
}

/**
 * 3 processes x 8 writers transfer between 8 accounts with the documented from-then-to
 * `transact`: every transfer completes (none gives up), money is conserved, and each
 * acknowledged transfer is in both accounts' logs exactly once, a refused one in neither.
 */
async function bank(
  kind: string,
  target: string,
  table: string,
  read: (id: string) => Promise<Row | undefined>,
  mode: string,
) {
  const outputs = await Promise.all(
    Array.from({ length: PROCESSES }, (_, p) =>
      run(
        process.execPath,
        ['--import', tsx, worker, kind, target, table, String(p + 1), String(WRITERS), String(TRANSFERS[kind]), mode],
        {
          maxBuffer: 1 << 24,
        },
      ),
    ),
  );
  const results = outputs.map((o) => JSON.parse(o.stdout) as Outcome);
  const gaveUp = results.flatMap((r) => r.gaveUp);
  const acknowledged = results.flatMap((r) => r.acknowledged);
  const refused = results.flatMap((r) => r.refused);
  const retries: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.retries)) retries[k] = (retries[k] ?? 0) + n;
  console.log(
    `bank ${kind} (${mode}): ${acknowledged.length} transfers, ${refused.length} refused, ${gaveUp.length} gave up, retries ${JSON.stringify(retries)}, slowest process ${Math.max(...results.map((r) => r.ms))} ms`,
  );
  expect(gaveUp, JSON.stringify(gaveUp.slice(0, 3))).toEqual([]);
  expect(acknowledged.length + refused.length).toBe(PROCESSES * WRITERS * (TRANSFERS[kind] as number));
  let total = 0;
  const seen = new Map<string, number>();
  for (const id of ACCOUNTS) {
    const row = (await read(id)) as { balance: number; log: string[] };
    expect(row.balance).toBeGreaterThanOrEqual(0);
    total += row.balance;
    let expected = 100;
    for (const entry of row.log) {
      const [, sign, tid, amount] = /^([+-])(.+):(\d+)$/.exec(entry) as RegExpExecArray;
      expected += (sign === '+' ? 1 : -1) * Number(amount);
      seen.set(`${sign}${tid}`, (seen.get(`${sign}${tid}`) ?? 0) + 1);
    }
    expect(row.balance).toBe(expected);
  }
  expect(total).toBe(800);
  for (const id of acknowledged) {
    expect(seen.get(`-${id}`), id).toBe(1);
    expect(seen.get(`+${id}`), id).toBe(1);
  }
  for (const id of refused) expect(seen.has(`-${id}`) || seen.has(`+${id}`)).toBe(false);
  expect(seen.size).toBe(2 * acknowledged.length);
  return retries;
}

const seedRows = ACCOUNTS.map((id) => ({ id, balance: 100, log: [] as string[] }));

describe('bank: 3 processes x 8 writers on 8 accounts, every transfer completes', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });
  describe.skipIf(!url)('PostgreSQL', () => {
    const admin = newPool(url as string, 2);
    cleanup.push(() => admin.end());
    for (const mode of ['documented', 'lockAll']) {
      it(`${mode} transfers`, async () => {
        const table = uniqueTable('bank');
        await admin.query(
          `CREATE TABLE ${table} (id text PRIMARY KEY, balance double precision NOT NULL, log jsonb NOT NULL, version integer NOT NULL)`,
        );
        const accounts = collection(await PostgresStore.open(admin, { table, key: 'id' }));
        for (const row of seedRows) await accounts.create(row.id, row);
        const retries = await bank(
          'postgres',
          url as string,
          table,
          async (id) => (await accounts.get(id))?.value,
          mode,
        );
        if (mode === 'lockAll') expect(retries).toEqual({});
      }, 120_000);
    }
  });

  describe.skipIf(!on('sqlite'))('SQLite file (WAL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-bank-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    it('documented transfers', async () => {
      const file = join(dir, 'bank.db');
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.exec(
        'CREATE TABLE bank (id TEXT PRIMARY KEY, balance REAL NOT NULL, log TEXT NOT NULL, version INTEGER NOT NULL)',
      );
      const accounts = collection(new SqliteStore(db, { table: 'bank', key: 'id', json: ['log'] }));
      for (const row of seedRows) await accounts.create(row.id, row);
      await bank('sqlite', file, 'bank', async (id) => (await accounts.get(id))?.value, 'documented');
      db.close();
    }, 120_000);
  });

  describe.skipIf(!endpoint)('DynamoDB Local', () => {
    const client = localClient(endpoint as string);
    cleanup.push(() => client.destroy());
    for (const mode of ['documented', 'lockAll']) {
      it(`${mode} transfers`, async () => {
        const table = await createTable(client, 'bank', [{ name: 'id', type: 'S' }]);
        const accounts = collection(await DynamoStore.open(client, { table, json: ['log'] }));
        for (const row of seedRows) await accounts.create(row.id, row);
        const retries = await bank(
          'dynamodb',
          endpoint as string,
          table,
          async (id) => (await accounts.get(id))?.value,
          mode,
        );
        if (mode === 'lockAll') expect(retries).toEqual({});
      }, 120_000);
    }
  });
});
