import type Database from 'better-sqlite3';
import { collection } from 'noclobber';
import { type PgPool, PostgresStore } from 'noclobber/postgres';
import { SqliteStore } from 'noclobber/sqlite';
import type { BillingCollections } from './billing-app.js';
import { POSTGRES_DDL, SQLITE_DDL } from './schema.js';

/**
 * The billing collections on SQLite (the embedded default), all on one handle: the audit
 * log shares the records' transactions.
 * @example
 * ```ts
 * const c = openSqliteBilling(new Database('billing.db'));
 * ```
 */
export function openSqliteBilling(db: Database.Database): BillingCollections {
  db.exec(SQLITE_DDL);
  return {
    subscriptions: collection(new SqliteStore(db, { table: 'subscriptions', key: 'id' })),
    invoices: collection(new SqliteStore(db, { table: 'invoices', key: 'id' })),
    plans: collection(new SqliteStore(db, { table: 'plans', key: 'id', json: ['features'] })),
    audit: collection(new SqliteStore(db, { table: 'audit_log', key: 'id' })),
  };
}

/**
 * The billing collections on PostgreSQL, all on one pool: the audit log shares the
 * records' transactions.
 * @example
 * ```ts
 * const c = await openPostgresBilling(pool);
 * ```
 */
export async function openPostgresBilling(pool: PgPool): Promise<BillingCollections> {
  await pool.query(POSTGRES_DDL);
  return {
    subscriptions: collection(await PostgresStore.open(pool, { table: 'subscriptions', key: 'id' })),
    invoices: collection(await PostgresStore.open(pool, { table: 'invoices', key: 'id' })),
    plans: collection(await PostgresStore.open(pool, { table: 'plans', key: 'id' })),
    audit: collection(await PostgresStore.open(pool, { table: 'audit_log', key: 'id' })),
  };
}
