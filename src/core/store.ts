import type { Expect } from './expect.js';
import type { NormalOp } from './ops.js';
import type { Key, Row, Snapshot } from './types.js';

/**
 * The scalars a top-level field (a column) can hold, as its database enforces them.
 * `integer` refuses non-integers; `min` / `max` bound numbers (an `int4` column, or
 * ±(2^53 − 1) for `int8`, beyond which JavaScript cannot carry the value exactly).
 * `scalar` takes strings and numbers (an SQLite column without affinity).
 * @example
 * ```ts
 * const t: FieldType = { kind: 'integer', min: -2147483648, max: 2147483647 };
 * ```
 */
export interface FieldType {
  readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'scalar';
  readonly min?: number;
  readonly max?: number;
}

/**
 * How a store's records are shaped: which fields form the key, which holds the version,
 * and (optionally) which top-level fields exist, which hold JSON, and byte caps.
 *
 * @example
 * ```ts
 * const schema: StoreSchema = {
 *   keyFields: ['slug'], versionField: 'version',
 *   fields: ['slug', 'status', 'env_vars'], jsonFields: ['env_vars'],
 *   maxBytes: { env_vars: 64 * 1024 },
 * };
 * ```
 */
export interface StoreSchema {
  readonly keyFields: readonly string[];
  readonly versionField: string;
  /** Fields the store keeps for itself (a DynamoDB lease): never readable or writable as data. */
  readonly reservedFields?: readonly string[];
  /**
   * Top-level fields ops and values may write (key fields included, version excluded);
   * absent = any. A record may hold others (a DynamoDB item written by older code): they
   * are read, kept as they are by every write, and a value may carry them only unchanged.
   */
  readonly fields?: readonly string[];
  /** Fields holding JSON objects, the only ones nested paths may enter; absent = any. */
  readonly jsonFields?: readonly string[];
  /** Byte cap on a field's JSON text after the write, enforced in the same atomic step. */
  readonly maxBytes?: Readonly<Record<string, number>>;
  /**
   * How the store measures a field for `maxBytes`, when its database does not measure
   * compact JSON (PostgreSQL measures jsonb's text form, `{"a": 1}`). Default: UTF-8 bytes
   * of `JSON.stringify`.
   */
  readonly measure?: (value: unknown) => number;
  /**
   * Scalar kinds of top-level fields whose database enforces one (SQL columns). A write that
   * puts another kind there is `type_mismatch`, one beyond `min`/`max` `out_of_range` — both
   * decided after existence, version and guards, like every other property of the result.
   */
  readonly fieldTypes?: Readonly<Record<string, FieldType>>;
  /** How deep a value may nest, counting path segments (default 64; DynamoDB allows 32). */
  readonly maxDepth?: number;
  /** Magnitudes of non-zero numbers the database can store, when narrower than JavaScript's (DynamoDB). */
  readonly numberRange?: { readonly minAbs: number; readonly maxAbs: number };
  /** The database cannot store U+0000 in text (PostgreSQL text and jsonb). */
  readonly noNulText?: boolean;
  /**
   * Without a `fields` list, still refuse a write that would add a top-level field to an
   * existing record (DynamoDB without `fields`: no mass assignment through ops or replace).
   */
  readonly fixedFields?: boolean;
}

/** What a store can do, so the core can choose strategies. */
export interface StoreCapabilities {
  /** How `lock` excludes others: a row lock, a whole-database lock, a lease with fencing token, or an in-process mutex. */
  readonly lock: 'row' | 'database' | 'lease' | 'mutex';
}

/** A prepared change: validated ops, or a whole new value (key fields may be present; version is not). */
export type PreparedChange = { readonly ops: readonly NormalOp[] } | { readonly value: Row };

/**
 * One conditional write. With `expect.absent` and a `value` it creates; otherwise the
 * record must exist, and `expect` must hold, in the same atomic step as the write.
 */
export interface WriteCommand {
  readonly key: Key;
  readonly change: PreparedChange;
  readonly expect: Expect;
  /** Also return the record as it was just before the write, read in the same atomic step. */
  readonly returnPrevious?: boolean;
}

/** Options for one transaction attempt. */
export interface TransactOptions {
  /**
   * SQL isolation level; stores without levels ignore it. Absent: the store's default
   * (PostgreSQL: REPEATABLE READ, or READ COMMITTED when the closure starts by locking its
   * records with `lockAll`, which then keeps them stable).
   */
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /** How long `lockAll` may wait where the store's locks wait by polling (leases). */
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options for one lock attempt. */
export interface LockOptions {
  /** How long to wait for the lock before `LockTimeoutError`. */
  readonly lockTimeoutMs: number;
  /** Fail at once with `LockBusyError` when the lock is held. */
  readonly nowait: boolean;
  /** For leases: how long the lease lasts before another holder may take it. */
  readonly leaseMs?: number;
  readonly signal?: AbortSignal;
}

/** Reads and conditional writes; what a store offers directly, in a transaction and under a lock. */
export interface StoreSession<T extends object = Row> {
  /** The record, or undefined when it does not exist. */
  get(key: Key): Promise<Snapshot<T> | undefined>;
  /**
   * One atomic conditional write. Returns the new snapshot. When nothing was written,
   * throws the precise reason: `ConflictError` (stale / exists / gone), `GuardError`,
   * `InvalidChangeError` (type mismatch), `TooLargeError` — never "0 rows" silently.
   */
  write(cmd: WriteCommand): Promise<Snapshot<T>>;
  /** Checked delete: returns the deleted snapshot; fails loudly when nothing matched. */
  delete(key: Key, expect: Expect): Promise<Snapshot<T>>;
}

/**
 * The session a transaction attempt works through: reads and conditional writes inside the
 * transaction, plus what lets other stores join it and lets writers lock in key order.
 */
export interface TxSession<T extends object = Row> extends StoreSession<T> {
  /**
   * The open transaction, opaque to the core: another store of the same
   * `transactionDomain` makes its own session over it with `joinTransaction`.
   */
  readonly transaction?: unknown;
  /**
   * Takes the write locks of these records now, in one order every transaction uses (so two
   * writers that lock up front never deadlock): row locks `FOR UPDATE`, leases, or nothing
   * where the transaction already excludes every other writer (SQLite, memory). Missing
   * records are not locked (creating them stays create-only).
   */
  lockAll?(keys: readonly Key[]): Promise<void>;
}

/** A session holding the lock on one record. */
export interface LockSession<T extends object = Row> extends StoreSession<T> {
  /** The record as read under the lock. */
  readonly snapshot: Snapshot<T> | undefined;
  /**
   * For leases: a number that strictly increases from one holder of the record's lease to
   * the next. Pass it to other systems you write to under the lock so they can refuse a
   * holder that paused past its lease (Kleppmann's fencing token).
   */
  readonly fencingToken?: number;
}

/**
 * The contract every database implements (one folder under `src/stores/`). It is small
 * on purpose: `update`, retries, escalation and merging live in the core, written once.
 * Each method makes ONE attempt and maps driver errors to the noclobber family
 * (`TransientError`, `LockTimeoutError`, ...); the core decides what to retry.
 *
 * @example
 * ```ts
 * const accounts = collection(new SqliteStore(db, { table: 'accounts', key: 'id' }));
 * ```
 */
export interface Store<T extends object = Row> extends StoreSession<T> {
  /** Short name of the database ('memory', 'sqlite', 'postgres', ...). */
  readonly kind: string;
  /**
   * Names the data the store binds (`postgres:"public"."stacks"`), so several store
   * instances over it — one per connection or pool — share this process's turn-taking on
   * hot records (see `update`). Absent: the instance is its own data.
   */
  readonly id?: string;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities;
  /**
   * What a transaction of this store lives on — the pool, database handle, client or memory
   * database. Stores with the same domain can share one transaction (`tx.with`); absent, the
   * store joins no other.
   */
  readonly transactionDomain?: object;
  /**
   * A session of this store inside a transaction another store of the same
   * `transactionDomain` opened (`session.transaction`): its writes commit or roll back with it.
   */
  joinTransaction?(transaction: unknown): TxSession<T>;
  /** Runs `fn` in one transaction attempt: commit when it resolves, roll back when it throws. */
  transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R>;
  /** Runs `fn` holding the lock on `key` (row lock, database lock or fenced lease). */
  lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R>;
}
