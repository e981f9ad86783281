/** Seed 003's tables: every one has a version column defaulting to 1. */
export const TABLES = ['subscriptions', 'invoices', 'plans'] as const;

/**
 * The audit log of forced writes (`?force=true`), in the same database so an entry commits
 * in the forced write's own transaction. `actor` is required: a forced write that cannot
 * say who made it is not made.
 */
const AUDIT_COLUMNS = (text: string) =>
  `id ${text} PRIMARY KEY, resource ${text} NOT NULL, method ${text} NOT NULL, previous_version ${text}, new_version ${text}, actor ${text} NOT NULL, at ${text} NOT NULL`;

/** DDL for SQLite. */
export const SQLITE_DDL = `
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, customer TEXT NOT NULL, plan_id TEXT NOT NULL, status TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS invoices (id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, amount_cents INTEGER NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS plans (id TEXT PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL, features TEXT NOT NULL DEFAULT '[]', version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS audit_log (${AUDIT_COLUMNS('TEXT')}, version INTEGER NOT NULL DEFAULT 1);`;

/** DDL for PostgreSQL. */
export const POSTGRES_DDL = `
CREATE TABLE IF NOT EXISTS subscriptions (id text PRIMARY KEY, customer text NOT NULL, plan_id text NOT NULL, status text NOT NULL, notes text NOT NULL DEFAULT '', version integer NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS invoices (id text PRIMARY KEY, subscription_id text NOT NULL, amount_cents integer NOT NULL, status text NOT NULL, version integer NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS plans (id text PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL, features jsonb NOT NULL DEFAULT '[]', version integer NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS audit_log (${AUDIT_COLUMNS('text')}, version integer NOT NULL DEFAULT 1);`;
