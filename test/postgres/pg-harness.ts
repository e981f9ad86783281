import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import type { ColumnKind, StoreHarness, TableSpec } from '../conformance/harness.js';

const SQL_TYPE: Record<ColumnKind, string> = { text: 'text', int: 'integer', number: 'double precision', json: 'jsonb' };

/** A pool that survives pg_terminate_backend in tests (pg emits idle-client errors on the pool). */
export function newPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}

let tableSeq = 0;
/** A table name unique across test files sharing one server. */
export function uniqueTable(base: string): string {
  return `${base}_${process.pid}_${++tableSeq}`;
}

/** DDL for a conformance table. */
export function createTableSql(name: string, spec: TableSpec): string {
  const cols = Object.entries(spec.columns).map(([c, kind]) => `"${c}" ${SQL_TYPE[kind]}`);
  return `CREATE TABLE "${name}" (${cols.join(', ')}, "version" integer NOT NULL, PRIMARY KEY (${spec.key.map((k) => `"${k}"`).join(', ')}))`;
}

/** The conformance harness on a real PostgreSQL: every `connect()` is a new pool (new connections). */
export function postgresHarness(url: string): StoreHarness {
  const main = newPool(url, 4);
  const pools: pg.Pool[] = [main];
  return {
    name: 'postgres',
    async table(spec) {
      const name = uniqueTable(spec.name);
      await main.query(createTableSql(name, spec));
      const config = { table: name, key: [...spec.key], ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}) };
      const store = await PostgresStore.open(main, config);
      return {
        store,
        async connect() {
          const pool = newPool(url, 2);
          pools.push(pool);
          return PostgresStore.open(pool, config);
        },
      };
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
