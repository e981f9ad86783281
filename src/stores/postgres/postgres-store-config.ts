/** A query result, as `pg` returns it. */
export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
  /** The command tag (`UPDATE`, `COMMIT`; `ROLLBACK` for a COMMIT of a failed transaction). */
  readonly command?: string;
}

/** A statement with a name, which node-postgres prepares once per connection. */
export interface PgQueryConfig {
  readonly name?: string;
  readonly text: string;
  readonly values?: unknown[];
}

/** The `pg` client members noclobber uses (a pooled client). */
export interface PgPoolClient {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  query(config: PgQueryConfig): Promise<PgResult>;
  /** `release(err)` destroys the connection instead of returning it to the pool. */
  release(err?: Error | boolean): void;
  /** A checked-out `pg` client emits connection errors as events; the store listens while it holds one. */
  on?(event: 'error', listener: (err: Error) => void): unknown;
  off?(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * The `pg.Pool` members noclobber uses (typed structurally, as Kysely does, so the package
 * does not depend on `pg`'s types). Pass your own pool, and give it an `error` listener:
 * `pg` emits errors of idle clients on the pool.
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PgPool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  query(config: PgQueryConfig): Promise<PgResult>;
  connect(): Promise<PgPoolClient>;
}

/**
 * How a {@link PostgresStore} binds an existing table.
 * @example
 * ```ts
 * const config: PostgresStoreConfig = { table: 'stacks', key: 'slug', maxBytes: { env_vars: 64 * 1024 } };
 * const products: PostgresStoreConfig = { table: 'products', key: 'id', version: 'updated_at', versionKind: 'timestamp' };
 * ```
 */
export interface PostgresStoreConfig {
  /** Table name, optionally schema-qualified (`app.stacks`) unless `schema` is given. */
  readonly table: string;
  /** The table's schema. When given, `table` is one name as it is (dots included). */
  readonly schema?: string;
  /** Key column, or columns for a composite key. */
  readonly key: string | readonly string[];
  /** Version column. Default `'version'`. */
  readonly version?: string;
  /**
   * `integer` (default): bumped by one on every write. `timestamp`: a timestamp column
   * set to `GREATEST(clock_timestamp(), previous + 1 µs)`, so it strictly increases even
   * for two writes in the same microsecond.
   */
  readonly versionKind?: 'integer' | 'timestamp';
  /**
   * Prepare each statement shape once per connection (named statements; default true), so
   * PostgreSQL does not re-plan noclobber's large statements on every write. Set false
   * behind a transaction-mode PgBouncer older than 1.21, which cannot keep them.
   */
  readonly prepare?: boolean;
  /**
   * Columns ops and values may write (key columns included); default every column. The
   * others (a `created_at` the database fills, a column older code owns) are read, kept
   * as they are by every write, and a value may carry them only unchanged.
   */
  readonly fields?: readonly string[];
  /** Byte cap on a jsonb column after the write (measured on jsonb's text form), checked in the write's statement. */
  readonly maxBytes?: Readonly<Record<string, number>>;
  /**
   * The table keeping each deleted key's last version, so a record created again never gets
   * a version an earlier one had (an old ETag or expectation never matches it). Default
   * `noclobber_tombstones` in the table's schema; a schema-qualified name puts it elsewhere.
   * Shared by every store of that schema.
   */
  readonly tombstoneTable?: string;
  /**
   * Create the table of tombstones when it is missing (default true). With false — the
   * schema is managed by migrations, or the role may not create tables — a missing table is a
   * `SetupError` carrying the DDL (`pgTombstoneDdl`) when the store is opened.
   */
  readonly createTombstoneTable?: boolean;
}
