import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import {
  type ColumnKind,
  keyValues,
  type PlainAccess,
  type StoreHarness,
  type TableSpec,
} from '../conformance/harness.js';

const SQL_TYPE: Record<ColumnKind, string> = {
  text: 'text',
  int: 'integer',
  number: 'double precision',
  json: 'jsonb',
};

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
  const version = spec.versionKind === 'timestamp' ? 'timestamptz' : 'integer';
  return `CREATE TABLE "${name}" (${cols.join(', ')}, "version" ${version} NOT NULL, PRIMARY KEY (${spec.key.map((k) => `"${k}"`).join(', ')}))`;
}

/**
 * Plain SQL on a table, around noclobber: `quoted` names the table, `column` quotes a field's
 * column. Values are bound (JSON columns as jsonb text); a new row's version is 1 or the clock.
 */
export function pgPlain(
  query: (sql: string, values: unknown[]) => Promise<unknown>,
  quoted: string,
  spec: TableSpec,
  column: (field: string) => string,
): PlainAccess {
  return {
    async insert(row) {
      const cols = Object.keys(row).filter((c) => c in spec.columns);
      const params = cols.map((c, i) => `$${i + 1}${spec.columns[c] === 'json' ? '::jsonb' : ''}`);
      const values = cols.map((c) => (spec.columns[c] === 'json' ? JSON.stringify(row[c]) : row[c]));
      const first = spec.versionKind === 'timestamp' ? 'clock_timestamp()' : '1';
      await query(
        `INSERT INTO ${quoted} (${[...cols, 'version'].map(column).join(', ')}) VALUES (${[...params, first].join(', ')})`,
        values,
      );
    },
    async delete(key) {
      await query(
        `DELETE FROM ${quoted} WHERE ${spec.key.map((k, i) => `${column(k)} = $${i + 1}`).join(' AND ')}`,
        keyValues(spec, key),
      );
    },
  };
}

/** The conformance harness on a real PostgreSQL: every `connect()` is a new pool (new connections). */
export function postgresHarness(url: string): StoreHarness {
  const main = newPool(url, 4);
  const pools: pg.Pool[] = [main];
  return {
    name: 'postgres',
    versionKinds: ['integer', 'timestamp'],
    async table(spec) {
      const name = uniqueTable(spec.name);
      await main.query(createTableSql(name, spec));
      const config = {
        table: name,
        key: [...spec.key],
        versionKind: spec.versionKind ?? 'integer',
        ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}),
      };
      const store = await PostgresStore.open(main, config);
      return {
        store,
        plain: pgPlain(
          (sql, values) => main.query(sql, values),
          `"${name}"`,
          spec,
          (c) => `"${c}"`,
        ),
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
