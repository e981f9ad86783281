import type { Key, Row, Store } from 'noclobber';

/** How a table's version column counts: an integer bumped by one, or a timestamp. */
export type VersionKind = 'integer' | 'timestamp';

/** Column kinds used by the conformance tables. */
export type ColumnKind = 'text' | 'int' | 'number' | 'json';

/** A table the conformance suite asks a store harness to create. */
export interface TableSpec {
  /** Base name; the harness may suffix it to keep tables unique per test. */
  readonly name: string;
  readonly key: readonly string[];
  /** Every column except the version column (named `version`, an integer). */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /** Byte caps on JSON columns, enforced in the same statement as the write. */
  readonly maxBytes?: Readonly<Record<string, number>>;
  /** The version column's kind (default integer); only kinds in `StoreHarness.versionKinds` are asked for. */
  readonly versionKind?: VersionKind;
}

/**
 * Writes that do not go through noclobber — what code that predates it, a migration or an
 * operator with a SQL console does — so the suite can check tables written before noclobber.
 */
/**
 * What a store's harness offers, known when the suite is declared, so a case that needs what
 * the store does not have is not declared for it (rather than declared and skipped). The
 * suite checks at run time that the harness agrees.
 */
export interface StoreTraits {
  /** The version kinds the store supports (the harness's `versionKinds`). */
  readonly versionKinds: readonly VersionKind[];
  /** Whether the harness can write and delete rows as a writer without noclobber would (`plain`). */
  readonly plain: boolean;
}

export interface PlainAccess {
  /**
   * Inserts a row as a writer that knows nothing of noclobber would: SQL `INSERT` with the
   * version column at its usual first value (1, or the clock for a timestamp), or DynamoDB
   * `PutItem` without a version attribute.
   */
  insert(row: Row): Promise<void>;
  /** Deletes a key with SQL `DELETE` or `DeleteItem`: no tombstone is left. */
  delete(key: Key): Promise<void>;
}

/** One table created by a harness: a store bound to it, and more connections to it. */
export interface OpenedTable {
  readonly store: Store<Row>;
  /**
   * A store over a NEW connection (client, pool, database handle) to the same table, so
   * concurrency tests really run on separate connections. Stores that cannot have more
   * than one connection to the same data (SQLite `:memory:`) return the same store.
   */
  connect(): Promise<Store<Row>>;
  /** Plain writes to the same table, when the store has a way around noclobber (memory has none). */
  readonly plain?: PlainAccess;
}

/**
 * What each store provides to run the conformance suite against a real database.
 * Registered in `test/conformance/<store>.test.ts` with `describeConformance`.
 */
export interface StoreHarness {
  readonly name: string;
  /** The version kinds its tables can have (default: integer only). */
  readonly versionKinds?: readonly VersionKind[];
  /** Creates a fresh, empty table shaped by `spec` and binds a store to it. */
  table(spec: TableSpec): Promise<OpenedTable>;
  /** Closes every connection the harness opened. */
  close(): Promise<void>;
}

/** The document table most cases use. */
export const DOCS: TableSpec = {
  name: 'docs',
  key: ['id'],
  columns: {
    id: 'text',
    title: 'text',
    status: 'text',
    owner: 'text',
    n: 'number',
    data: 'json',
    tags: 'json',
    meta: 'json',
    capped: 'json',
  },
  maxBytes: { capped: 256 },
};

/** Accounts for the bank and counter tests. */
export const ACCOUNTS: TableSpec = {
  name: 'accounts',
  key: ['id'],
  columns: { id: 'text', balance: 'number' },
};

/** A table whose version is a timestamp (stores that have timestamp versions). */
export const STAMPED: TableSpec = {
  name: 'stamped',
  key: ['id'],
  columns: { id: 'text', title: 'text' },
  versionKind: 'timestamp',
};

/**
 * The values of a key's columns, in the spec's key order.
 * @example
 * ```ts
 * keyValues(TENANT_ITEMS, { tenant: 'a', id: 1 }); // ['a', 1]
 * ```
 */
export function keyValues(spec: TableSpec, key: Key): unknown[] {
  return typeof key === 'object' && key !== null ? spec.key.map((k) => (key as Record<string, unknown>)[k]) : [key];
}

/** A composite-key table. */
export const TENANT_ITEMS: TableSpec = {
  name: 'tenant_items',
  key: ['tenant', 'id'],
  columns: { tenant: 'text', id: 'int', title: 'text' },
};
