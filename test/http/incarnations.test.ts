import Database from 'better-sqlite3';
import { type Collection, collection, type Row } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { MemoryStore } from 'noclobber/memory';
import { PostgresStore } from 'noclobber/postgres';
import { SqliteStore } from 'noclobber/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { localClient } from '../../tools/services/index.js';
import { createTable } from '../dynamodb/dynamo-harness.js';
import { newPool, uniqueTable } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';
import { frameworks } from './frameworks.js';

// No ABA over HTTP, on the real adapters: an ETag taken from a record that was deleted and
// created again never matches the new record — If-Match with it is 412 for every write, and a
// conditional GET with it answers 200 with the new body (never 304 for different content).

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

const stores: [string, () => Promise<Collection<Row>>][] = [
  ['memory', async () => collection(new MemoryStore({ key: 'id', fields: ['id', 'plan', 'status'] }))],
  [
    'sqlite',
    async () => {
      const db = new Database(':memory:');
      db.exec('CREATE TABLE subs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, plan TEXT, status TEXT)');
      cleanup.push(async () => void db.close());
      return collection(new SqliteStore(db, { table: 'subs', key: 'id' }));
    },
  ],
];
const pgUrl = await service('postgres');
if (pgUrl)
  stores.push([
    'postgres',
    async () => {
      const pool = newPool(pgUrl, 2);
      const table = uniqueTable('http_aba');
      await pool.query(
        `CREATE TABLE "${table}" (id text PRIMARY KEY, version integer NOT NULL, plan text, status text)`,
      );
      cleanup.push(() => pool.end());
      return collection(await PostgresStore.open(pool, { table, key: 'id' }));
    },
  ]);
const dynamo = await service('dynamodb');
if (dynamo)
  stores.push([
    'dynamodb',
    async () => {
      const client = localClient(dynamo);
      cleanup.push(async () => client.destroy());
      const table = await createTable(client, 'http_aba', [{ name: 'id', type: 'S' }]);
      return collection(await DynamoStore.open(client, { table, fields: ['id', 'plan', 'status'] }));
    },
  ]);

for (const [storeName, open] of stores) {
  describe(`an ETag of a deleted record never matches the record created again (${storeName})`, () => {
    const docs = open();
    let n = 0;
    for (const fw of ['hono', 'express', 'fastify']) {
      it(`${fw}: create → GET → DELETE → create; If-Match with the old ETag is 412 on PUT, PATCH, DELETE and GET; If-None-Match with it is 200`, async () => {
        const served = frameworks({ collection: await docs, name: 'subs' }, { base: '/subs' }).find(
          (f) => f.name === fw,
        );
        if (!served) throw new Error(`no framework ${fw}`);
        const id = `${fw}-${++n}`;
        const path = `/subs/${id}`;
        const json = { 'content-type': 'application/json' };
        const create = (plan: string) =>
          served.send({
            method: 'PUT',
            path,
            headers: { ...json, 'if-none-match': '*' },
            body: JSON.stringify({ plan, status: 'active' }),
          });

        const first = await create('first');
        expect(first.status).toBe(201);
        const read = await served.send({ method: 'GET', path });
        expect(read.status).toBe(200);
        const old = read.headers.etag as string;
        expect(old).toBe(first.headers.etag);
        expect((await served.send({ method: 'DELETE', path, headers: { 'if-match': old } })).status).toBe(204);
        const second = await create('second');
        expect(second.status).toBe(201);
        const current = second.headers.etag as string;
        expect(current).not.toBe(old);

        const stale = [
          await served.send({
            method: 'PUT',
            path,
            headers: { ...json, 'if-match': old },
            body: JSON.stringify({ plan: 'clobbered', status: 'x' }),
          }),
          await served.send({
            method: 'PATCH',
            path,
            headers: { 'content-type': 'application/merge-patch+json', 'if-match': old },
            body: '{"plan":"clobbered"}',
          }),
          await served.send({ method: 'DELETE', path, headers: { 'if-match': old } }),
          await served.send({ method: 'GET', path, headers: { 'if-match': old } }),
        ];
        expect(stale.map((r) => r.status)).toEqual([412, 412, 412, 412]);
        // A 412 names the current record, never the old one.
        for (const r of stale) expect(r.headers.etag).toBe(current);

        const conditional = await served.send({ method: 'GET', path, headers: { 'if-none-match': old } });
        expect(conditional.status).toBe(200);
        expect(conditional.headers.etag).toBe(current);
        expect(conditional.json()).toMatchObject({ plan: 'second' });
        expect((await served.send({ method: 'GET', path, headers: { 'if-none-match': current } })).status).toBe(304);
        const stored = await (await docs).get(id);
        expect(stored?.value).toMatchObject({ plan: 'second', status: 'active' });
      });
    }
  });
}
