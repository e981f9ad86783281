import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from 'noclobber/sqlite';
import {
  type ColumnKind,
  keyValues,
  type PlainAccess,
  type StoreHarness,
  type TableSpec,
} from '../conformance/harness.js';

const SQL_TYPE: Record<ColumnKind, string> = { text: 'TEXT', int: 'INTEGER', number: 'REAL', json: 'TEXT' };

/** DDL for a conformance table. */
export function createTableSql(name: string, spec: TableSpec): string {
  const cols = Object.entries(spec.columns).map(([c, kind]) => `"${c}" ${SQL_TYPE[kind]}`);
  return `CREATE TABLE "${name}" (${cols.join(', ')}, "version" INTEGER NOT NULL, PRIMARY KEY (${spec.key.map((k) => `"${k}"`).join(', ')}))`;
}

/** Plain SQL on a conformance table, around noclobber (values bound; JSON columns as JSON text). */
export function sqlitePlain(db: Database.Database, name: string, spec: TableSpec): PlainAccess {
  const where = spec.key.map((k) => `"${k}" = ?`).join(' AND ');
  return {
    async insert(row) {
      const cols = Object.keys(row).filter((c) => c in spec.columns);
      const values = cols.map((c) => (spec.columns[c] === 'json' ? JSON.stringify(row[c]) : row[c]));
      db.prepare(
        `INSERT INTO "${name}" (${[...cols, 'version'].map((c) => `"${c}"`).join(', ')}) VALUES (${[...cols.map(() => '?'), '1'].join(', ')})`,
      ).run(...values);
    },
    async delete(key) {
      db.prepare(`DELETE FROM "${name}" WHERE ${where}`).run(...keyValues(spec, key));
    },
  };
}

/** Opens a better-sqlite3 connection the way noclobber recommends for files shared by processes. */
export function openFile(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * A conformance harness on SQLite: `:memory:` (one connection; `connect()` returns the same
 * store) or a WAL file (`connect()` opens a new connection each time).
 */
export function sqliteHarness(mode: 'memory' | 'file'): StoreHarness {
  const dir = mode === 'file' ? mkdtempSync(join(tmpdir(), 'nc-sqlite-')) : undefined;
  const file = dir ? join(dir, 'conformance.db') : ':memory:';
  const main = dir ? openFile(file) : new Database(':memory:');
  const opened: Database.Database[] = [main];
  let n = 0;
  return {
    name: `sqlite-${mode}`,
    async table(spec) {
      const name = `${spec.name}_${++n}`;
      main.exec(createTableSql(name, spec));
      const config = {
        table: name,
        key: [...spec.key],
        json: Object.entries(spec.columns)
          .filter(([, k]) => k === 'json')
          .map(([c]) => c),
        ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}),
      };
      const store = new SqliteStore(main, config);
      return {
        store,
        plain: sqlitePlain(main, name, spec),
        async connect() {
          if (!dir) return store;
          const db = openFile(file);
          opened.push(db);
          return new SqliteStore(db, config);
        },
      };
    },
    async close() {
      for (const db of opened) db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
