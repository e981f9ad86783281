import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import Database from 'better-sqlite3';
import type { Row, Store } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import { MemoryStore } from 'noclobber/memory';
import { PG_TOMBSTONE_TABLE, PostgresStore } from 'noclobber/postgres';
import { PrismaStore } from 'noclobber/prisma';
import { SQLITE_TOMBSTONE_TABLE, SqliteStore } from 'noclobber/sqlite';
import type pg from 'pg';
import { ident as pgIdent } from '../../src/stores/postgres/postgres-sql.js';
import { localClient } from '../../tools/services/index.js';
import { createTable } from '../dynamodb/dynamo-harness.js';
import { newPool } from '../postgres/pg-harness.js';
import { CONFORMANCE_MODELS, connectPrisma, HOSTILE_COLUMNS, prismaClientClass } from '../prisma/prisma-harness.js';
import { openFile } from '../sqlite/sqlite-harness.js';
import { HOSTILE_STRINGS } from './hostile.js';

/** The model table: every column kind, a capped JSON column; `version` is the integer version. */
export const MODEL_COLUMNS = {
  id: 'text',
  title: 'text',
  n: 'number',
  count: 'int',
  data: 'json',
  meta: 'json',
  capped: 'json',
} as const;
export const MODEL_JSON = ['data', 'meta', 'capped'] as const;
export const MODEL_CAPS = { capped: 200 } as const;

/** Rows every run must leave exactly as they are (hostile keys, nested hostile names). */
export const SIBLINGS: readonly Row[] = [
  { id: "sib'1", title: "x'); --", n: 1.5, count: 7, data: { "'": 1, 'a.b': { $: [1, 'x', null] }, toString: 'own' } },
  { id: 'sib"2', title: 'y', meta: { '--': { '/*': true } }, capped: { k: 'v' } },
  { id: 'sib-3 日本 \u{1F600}', data: { x: { y: { z: 0 } } } },
];

/** One database the model runs on, with a raw view for the checksum. */
export interface ModelDb {
  readonly store: Store<Row>;
  /**
   * A hash of everything in the database the store could reach — every table (the model
   * table's rows minus `runKeys`, the canary tables) and the tables' definitions — read
   * through a separate raw connection, not through noclobber.
   */
  checksum(runKeys: readonly string[]): Promise<string>;
  /**
   * Removes a run's rows — and their tombstones: the run's deletes leave them, and the
   * checksum leaves them out as it leaves the run's rows out — behind noclobber's back, so
   * the next run starts from the siblings.
   */
  dropRun(runKeys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const hash = (parts: readonly string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

const CANARY_ROWS = HOSTILE_STRINGS.filter((s) => !s.includes('\u0000')).map((v, i) => [`c${i}`, v] as const);

/** SQLite, in memory or in a WAL file with the store on its own connection. */
export function sqliteModelDb(mode: 'memory' | 'file'): ModelDb {
  const dir = mode === 'file' ? mkdtempSync(join(tmpdir(), 'nc-model-')) : undefined;
  const admin = dir ? openFile(join(dir, 'model.db')) : new Database(':memory:');
  const cols = Object.entries(MODEL_COLUMNS).map(
    ([c, k]) => `"${c}" ${k === 'text' || k === 'json' ? 'TEXT' : k === 'int' ? 'INTEGER' : 'REAL'}`,
  );
  admin.exec(`CREATE TABLE model (${cols.join(', ')}, version INTEGER NOT NULL, PRIMARY KEY (id))`);
  admin.exec('CREATE TABLE canary (k TEXT PRIMARY KEY, v TEXT)');
  const insert = admin.prepare('INSERT INTO canary VALUES (?, ?)');
  for (const [k, v] of CANARY_ROWS) insert.run(k, v);
  const conn = dir ? openFile(join(dir, 'model.db')) : admin;
  const store = new SqliteStore(conn, { table: 'model', key: 'id', json: [...MODEL_JSON], maxBytes: MODEL_CAPS });
  return {
    store,
    async checksum(runKeys) {
      const parts: string[] = [];
      for (const m of admin.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all())
        parts.push(JSON.stringify(m));
      const tables = admin.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
        name: string;
      }[];
      for (const { name } of tables) {
        for (const row of admin.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all() as Row[]) {
          if (name === 'model' && runKeys.includes(row.id as string)) continue;
          if (name === SQLITE_TOMBSTONE_TABLE && runKeys.some((k) => row.key === JSON.stringify([k]))) continue;
          parts.push(`${name} ${JSON.stringify(row)}`);
        }
      }
      return hash(parts);
    },
    async dropRun(runKeys) {
      const del = admin.prepare('DELETE FROM model WHERE id = ?');
      const bury = admin.prepare(`DELETE FROM "${SQLITE_TOMBSTONE_TABLE}" WHERE key = ?`);
      for (const k of runKeys) {
        del.run(k);
        bury.run(JSON.stringify([k]));
      }
    },
    async close() {
      if (conn !== admin) conn.close();
      admin.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let pgSeq = 0;

/**
 * PostgreSQL: the model table and a canary in a schema of their own, plus a canary in
 * public. `columns` names each field's column and `table` the model table (Prisma maps
 * them to hostile names); `open` binds the store.
 */
async function pgModelDb(
  url: string,
  table: string,
  columns: Readonly<Record<string, string>>,
  open: (pool: pg.Pool, schema: string) => Promise<{ store: Store<Row>; close(): Promise<void> }>,
): Promise<ModelDb> {
  const schema = `nc_model_${process.pid}_${++pgSeq}`;
  const pool: pg.Pool = newPool(url, 2);
  const col = (f: string) => pgIdent(columns[f] ?? f);
  const model = `${pgIdent(schema)}.${pgIdent(table)}`;
  const cols = Object.entries(MODEL_COLUMNS).map(
    ([c, k]) =>
      `${col(c)} ${k === 'text' ? 'text' : k === 'json' ? 'jsonb' : k === 'int' ? 'integer' : 'double precision'}`,
  );
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(
    `CREATE TABLE ${model} (${cols.join(', ')}, ${col('version')} integer NOT NULL, PRIMARY KEY (${col('id')}))`,
  );
  await pool.query(`CREATE TABLE ${schema}.canary (k text PRIMARY KEY, v text)`);
  await pool.query(`CREATE TABLE public.${schema}_canary (k text PRIMARY KEY, v text)`);
  for (const [k, v] of CANARY_ROWS) {
    await pool.query(`INSERT INTO ${schema}.canary VALUES ($1, $2)`, [k, v]);
    await pool.query(`INSERT INTO public.${schema}_canary VALUES ($1, $2)`, [k, v]);
  }
  const opened = await open(pool, schema);
  return {
    store: opened.store,
    async checksum(runKeys) {
      const parts: string[] = [];
      const defs = await pool.query(
        `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 OR table_name = $2 ORDER BY 1, 2, 3`,
        [schema, `${schema}_canary`],
      );
      parts.push(JSON.stringify(defs.rows));
      const tables = [...new Map(defs.rows.map((r) => [`${r.table_schema}.${r.table_name}`, r] as const)).values()];
      for (const t of tables) {
        const quoted = `${pgIdent(t.table_schema)}.${pgIdent(t.table_name)}`;
        const isModel = t.table_schema === schema && t.table_name === table;
        // The run's tombstones (a single text key is its own text) are the run's, as its rows are.
        const isTombstones = t.table_schema === schema && t.table_name === PG_TOMBSTONE_TABLE;
        const without = isModel
          ? `WHERE NOT (${col('id')} = ANY($1))`
          : isTombstones
            ? 'WHERE NOT (key = ANY($1))'
            : '';
        const rows = await pool.query(
          `SELECT to_jsonb(x) AS r FROM ${quoted} x ${without} ORDER BY 1`,
          without ? [[...runKeys]] : [],
        );
        parts.push(quoted, ...rows.rows.map((r) => JSON.stringify(r.r)));
      }
      return hash(parts);
    },
    async dropRun(runKeys) {
      await pool.query(`DELETE FROM ${model} WHERE ${col('id')} = ANY($1)`, [[...runKeys]]);
      await pool.query(`DELETE FROM ${pgIdent(schema)}.${pgIdent(PG_TOMBSTONE_TABLE)} WHERE key = ANY($1)`, [
        [...runKeys],
      ]);
    },
    async close() {
      await opened.close();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.query(`DROP TABLE public.${schema}_canary`);
      await pool.end();
    },
  };
}

/** PostgreSQL through `pg`. */
export function postgresModelDb(url: string): Promise<ModelDb> {
  return pgModelDb(url, 'model', {}, async (pool, schema) => ({
    store: await PostgresStore.open(pool, { table: `${schema}.model`, key: 'id', maxBytes: MODEL_CAPS }),
    async close() {},
  }));
}

/**
 * PostgreSQL through a PrismaClient: the `Hostile` model, whose table (`hostile.model`), key,
 * version and fields have hostile names, so every statement also proves names are quoted.
 */
export async function prismaModelDb(url: string): Promise<ModelDb> {
  const PrismaClient = await prismaClientClass(CONFORMANCE_MODELS, 'conformance');
  return pgModelDb(url, 'hostile.model', HOSTILE_COLUMNS, async (_pool, schema) => {
    const client = connectPrisma(PrismaClient, url, schema, 2);
    return {
      store: await PrismaStore.open(client, { model: 'Hostile', schema, maxBytes: MODEL_CAPS }),
      close: () => client.$disconnect(),
    };
  });
}

/** DynamoDB Local: the model table (json and fields as the SQL tables) and a canary table. */
export async function dynamoModelDb(endpoint: string): Promise<ModelDb> {
  const client: DynamoDBClient = localClient(endpoint);
  const table = await createTable(client, 'ncmodel', [{ name: 'id', type: 'S' }]);
  const canary = await createTable(client, 'ncmodel_canary', [{ name: 'k', type: 'S' }]);
  for (const [k, v] of CANARY_ROWS)
    await client.send(new PutItemCommand({ TableName: canary, Item: { k: { S: k }, v: { S: v } } }));
  const store = await DynamoStore.open(client, {
    table,
    fields: Object.keys(MODEL_COLUMNS),
    json: [...MODEL_JSON],
    maxBytes: MODEL_CAPS,
  });
  const scan = async (name: string) => {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await client.send(
        new ScanCommand({ TableName: name, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const lines = (items: Record<string, AttributeValue>[]) =>
    items.map((i) => JSON.stringify(Object.entries(i).sort(([a], [b]) => (a < b ? -1 : 1)))).sort();
  return {
    store,
    async checksum(runKeys) {
      const names =
        (await client.send(new ListTablesCommand({}))).TableNames?.filter((n) => n === table || n === canary) ?? [];
      const model = (await scan(table)).filter((i) => !runKeys.includes(i.id?.S as string));
      return hash([...names, ...lines(model), ...lines(await scan(canary))]);
    },
    async dropRun(runKeys) {
      for (const k of runKeys) await client.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: k } } }));
    },
    async close() {
      client.destroy();
    },
  };
}

/** The memory store, shaped like the SQL tables; it has no raw view, so siblings are read through it. */
export function memoryModelDb(): ModelDb {
  const store = new MemoryStore({
    key: 'id',
    fields: Object.keys(MODEL_COLUMNS),
    json: [...MODEL_JSON],
    maxBytes: MODEL_CAPS,
    fieldTypes: {
      id: { kind: 'string' },
      title: { kind: 'string' },
      n: { kind: 'number' },
      count: { kind: 'integer', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
    },
  });
  return {
    store,
    async checksum() {
      return hash(await Promise.all(SIBLINGS.map(async (s) => JSON.stringify(await store.get(s.id as string)))));
    },
    async dropRun(runKeys) {
      for (const k of runKeys) if (await store.get(k)) await store.delete(k, { exists: true });
    },
    async close() {},
  };
}
