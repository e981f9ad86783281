// Three tables in ONE database — records, the audit log of forced writes, Idempotency-Keys —
// on SQLite, PostgreSQL, DynamoDB or memory, so the HTTP layer can write them in one
// transaction. Imported by vitest files and by worker processes (so no vitest here).
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import Database from 'better-sqlite3';
import { type Collection, collection, type Row } from 'noclobber';
import { DynamoStore } from 'noclobber/dynamodb';
import type { IdempotencyRecord } from 'noclobber/http';
import { MemoryDatabase, MemoryStore } from 'noclobber/memory';
import { PostgresStore } from 'noclobber/postgres';
import { SqliteStore } from 'noclobber/sqlite';
import pg from 'pg';
import { localClient } from '../../tools/services/index.js';

export type DatabaseKind = 'sqlite' | 'postgres' | 'dynamodb' | 'memory';

/** The table names of one set. */
export interface TableNames {
  readonly docs: string;
  readonly audit: string;
  readonly keys: string;
}

/** The three collections on one database handle, pool or client. */
export interface SameDatabase {
  readonly docs: Collection<Row>;
  readonly audit: Collection<Row>;
  readonly keys: Collection<IdempotencyRecord>;
  /** The audit collection bound to ANOTHER handle, pool or client: it cannot join the records' transactions. */
  elsewhere(): Promise<Collection<Row>>;
  close(): Promise<void>;
}

const DOCS = ['id', 'status', 'n'];
const AUDIT = ['id', 'resource_id', 'method', 'previous_version', 'new_version', 'actor'];
const KEYS = ['id', 'fingerprint', 'state', 'response', 'expires_at'];

/**
 * Creates the three tables. `target` is the SQLite file, the PostgreSQL URL or the DynamoDB
 * endpoint (unused for memory, whose tables exist on first write).
 */
export async function createTables(kind: DatabaseKind, target: string, names: TableNames): Promise<void> {
  if (kind === 'sqlite') {
    const db = new Database(target);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE "${names.docs}" (id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT, n REAL);
      CREATE TABLE "${names.audit}" (id TEXT PRIMARY KEY, version INTEGER NOT NULL, resource_id TEXT NOT NULL, method TEXT NOT NULL, previous_version TEXT, new_version TEXT, actor TEXT NOT NULL);
      CREATE TABLE "${names.keys}" (id TEXT PRIMARY KEY, version INTEGER NOT NULL, fingerprint TEXT, state TEXT, response TEXT, expires_at REAL);`);
    db.close();
  } else if (kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target, max: 1 });
    await pool.query(`CREATE TABLE "${names.docs}" (id text PRIMARY KEY, version integer NOT NULL, status text, n double precision);
      CREATE TABLE "${names.audit}" (id text PRIMARY KEY, version integer NOT NULL, resource_id text NOT NULL, method text NOT NULL, previous_version text, new_version text, actor text NOT NULL);
      CREATE TABLE "${names.keys}" (id text PRIMARY KEY, version integer NOT NULL, fingerprint text, state text, response jsonb, expires_at double precision);`);
    await pool.end();
  } else if (kind === 'dynamodb') {
    const client = localClient(target);
    for (const table of [names.docs, names.audit, names.keys])
      await client.send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    client.destroy();
  }
}

async function openOn(
  kind: DatabaseKind,
  handle: unknown,
  names: TableNames,
  only?: 'audit',
): Promise<Partial<Record<keyof TableNames, Collection<Row>>>> {
  const open = async (table: string, fields: string[], json: string[] = []): Promise<Collection<Row>> => {
    if (kind === 'sqlite') return collection(new SqliteStore(handle as Database.Database, { table, key: 'id', json }));
    if (kind === 'postgres') return collection(await PostgresStore.open(handle as pg.Pool, { table, key: 'id' }));
    if (kind === 'dynamodb')
      return collection(await DynamoStore.open(handle as DynamoDBClient, { table, fields, json }));
    return collection(new MemoryStore({ key: 'id', fields, json, database: handle as MemoryDatabase }));
  };
  if (only === 'audit') return { audit: await open(names.audit, AUDIT) };
  return {
    docs: await open(names.docs, DOCS),
    audit: await open(names.audit, AUDIT),
    keys: await open(names.keys, KEYS, ['response']),
  };
}

function newHandle(kind: DatabaseKind, target: string): { handle: unknown; close(): Promise<void> } {
  if (kind === 'sqlite') {
    const db = new Database(target);
    db.pragma('busy_timeout = 5000');
    return { handle: db, close: async () => void db.close() };
  }
  if (kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target, max: 4 });
    pool.on('error', () => {});
    return { handle: pool, close: () => pool.end() };
  }
  if (kind === 'dynamodb') {
    const client = localClient(target);
    return { handle: client, close: async () => client.destroy() };
  }
  return { handle: new MemoryDatabase(), close: async () => {} };
}

/**
 * Opens the three collections on one new handle (SQLite `Database`, pg pool, DynamoDB client,
 * memory database) over tables made by {@link createTables}.
 */
export async function openSameDatabase(kind: DatabaseKind, target: string, names: TableNames): Promise<SameDatabase> {
  const main = newHandle(kind, target);
  const others: { close(): Promise<void> }[] = [];
  const c = await openOn(kind, main.handle, names);
  const audit = c.audit as Collection<Row>;
  return {
    docs: c.docs as Collection<Row>,
    audit,
    keys: c.keys as unknown as Collection<IdempotencyRecord>,
    async elsewhere() {
      const other = newHandle(kind, target);
      others.push(other);
      return (await openOn(kind, other.handle, names, 'audit')).audit as Collection<Row>;
    },
    async close() {
      for (const o of others) await o.close();
      await main.close();
    },
  };
}
