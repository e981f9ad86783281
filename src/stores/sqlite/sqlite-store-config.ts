/**
 * The few better-sqlite3 statement methods noclobber uses (typed structurally, so the
 * package does not depend on the driver's types).
 */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * The few better-sqlite3 `Database` members noclobber uses. Pass your own connection.
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const db: SqliteDatabase = new Database('app.db');
 * ```
 */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
  /** The file name (better-sqlite3 sets it); connections to one file share an in-process gate. */
  readonly name?: string;
  readonly memory?: boolean;
}

/**
 * How a {@link SqliteStore} binds an existing table.
 * @example
 * ```ts
 * const config: SqliteStoreConfig = { table: 'stacks', key: 'slug', json: ['env_vars'], maxBytes: { env_vars: 65536 } };
 * ```
 */
export interface SqliteStoreConfig {
  readonly table: string;
  /** Key column, or columns for a composite key. */
  readonly key: string | readonly string[];
  /** Integer version column. Default `'version'`. */
  readonly version?: string;
  /**
   * Columns ops and values may write (key columns included); default every column. The
   * others (a `created_at` the database fills, a column older code owns) are read, kept
   * as they are by every write, and a value may carry them only unchanged.
   */
  readonly fields?: readonly string[];
  /** TEXT columns holding JSON; the only columns nested paths may enter. */
  readonly json?: readonly string[];
  /** Byte cap on a JSON column's text after a write, enforced in the write's statement. */
  readonly maxBytes?: Readonly<Record<string, number>>;
  /** How long a write waits for another connection's write lock (sets `busy_timeout`). Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /**
   * The table keeping the last version of each deleted key, so a record created again never
   * gets a version an earlier one had (an old ETag or expectation never matches it). Shared
   * by every store of the database; default `noclobber_tombstones`.
   */
  readonly tombstoneTable?: string;
  /**
   * Create the table of tombstones when it is missing (default true). With false, a missing
   * table is a `SetupError` carrying the DDL (`sqliteTombstoneDdl`), for schemas managed by
   * migrations.
   */
  readonly createTombstoneTable?: boolean;
}

/** SQLite's type affinity of a declared column type (https://sqlite.org/datatype3.html §3.1). */
export type Affinity = 'integer' | 'text' | 'blob' | 'real' | 'numeric';

/**
 * The affinity SQLite gives a declared type.
 * @example
 * ```ts
 * affinityOf('VARCHAR(20)'); // 'text'
 * ```
 */
export function affinityOf(declared: string): Affinity {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB') || t === '') return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return 'numeric';
}
