import type { Row, Store } from 'noclobber';

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
}

/**
 * What each store provides to run the conformance suite against a real database.
 * Registered in `test/conformance/<store>.test.ts` with `describeConformance`.
 */
export interface StoreHarness {
  readonly name: string;
  /** Creates a fresh, empty table shaped by `spec` and binds a store to it. */
  table(spec: TableSpec): Promise<OpenedTable>;
  /** Closes every connection the harness opened. */
  close(): Promise<void>;
}

/** The document table most cases use. */
export const DOCS: TableSpec = {
  name: 'docs',
  key: ['id'],
  columns: { id: 'text', title: 'text', status: 'text', owner: 'text', n: 'number', data: 'json', tags: 'json', meta: 'json', capped: 'json' },
  maxBytes: { capped: 256 },
};

/** Accounts for the bank and counter tests. */
export const ACCOUNTS: TableSpec = {
  name: 'accounts',
  key: ['id'],
  columns: { id: 'text', balance: 'number' },
};

/** A composite-key table. */
export const TENANT_ITEMS: TableSpec = {
  name: 'tenant_items',
  key: ['tenant', 'id'],
  columns: { tenant: 'text', id: 'int', title: 'text' },
};
