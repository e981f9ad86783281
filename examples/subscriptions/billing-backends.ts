import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Row } from 'noclobber';
import pg from 'pg';
import type { BillingCollections } from './src/billing-app.js';
import { openPostgresBilling, openSqliteBilling } from './src/open-billing.js';

/** Where the billing API's tables live for a run of the seed's tests. */
export interface Backend {
  name: string;
  /** A new connection's collections: each "client" of the API is its own connection. */
  connect(): Promise<BillingCollections>;
  /** The audit log's entries for one resource, read with plain SQL. */
  auditOf(resource: string): Promise<Row[]>;
}

const closers: (() => Promise<void> | void)[] = [];
const dirs: string[] = [];
/** Closes every connection the backends opened and removes their files. */
export async function closeBackends(): Promise<void> {
  for (const c of closers) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** A SQLite file in WAL mode, each connection its own handle. */
export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'nc-billing-'));
  dirs.push(dir);
  const file = join(dir, 'billing.db');
  let reader: Database.Database | undefined;
  return {
    name: 'SQLite (WAL file)',
    async connect() {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      closers.push(() => void db.close());
      return openSqliteBilling(db);
    },
    async auditOf(resource) {
      if (!reader) {
        const db = new Database(file, { readonly: true });
        closers.push(() => void db.close());
        reader = db;
      }
      return reader.prepare('SELECT * FROM audit_log WHERE resource = ? ORDER BY at').all(resource) as Row[];
    },
  };
}

/** The PostgreSQL server at `url`, each connection its own pool. */
export function postgresBackend(url: string): Backend {
  const reader = new pg.Pool({ connectionString: url, max: 1 });
  closers.push(() => reader.end());
  return {
    name: 'PostgreSQL',
    async connect() {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      pool.on('error', () => {});
      closers.push(() => pool.end());
      return openPostgresBilling(pool);
    },
    async auditOf(resource) {
      return (await reader.query('SELECT * FROM audit_log WHERE resource = $1 ORDER BY at', [resource])).rows as Row[];
    },
  };
}
