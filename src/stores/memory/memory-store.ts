import { ConflictError } from '../../core/errors/conflict-error.js';
import type { Expect } from '../../core/expect.js';
import { checkChange, explainFailure } from '../../core/explain-failure.js';
import { cloneJson } from '../../core/json.js';
import { keyFields, keyString } from '../../core/key.js';
import type { Mutex } from '../../core/mutex.js';
import type {
  FieldType,
  LockOptions,
  LockSession,
  Store,
  StoreCapabilities,
  StoreSchema,
  StoreSession,
  TransactOptions,
  TxSession,
  WriteCommand,
} from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { MemoryDatabase, MemoryTransaction, memoryState, type Table } from './memory-database.js';

/** How a {@link MemoryStore} is shaped. */
export interface MemoryStoreConfig {
  /** Key field, or fields for a composite key. Default `'id'`. */
  readonly key?: string | readonly string[];
  /** Version field name (only used in validation; memory versions are integers). Default `'version'`. */
  readonly version?: string;
  readonly fields?: readonly string[];
  readonly json?: readonly string[];
  readonly maxBytes?: Readonly<Record<string, number>>;
  /** Scalar kinds of fields, to behave like a database with typed columns (see `StoreSchema.fieldTypes`). */
  readonly fieldTypes?: Readonly<Record<string, FieldType>>;
  /** Nesting limit of values (default 64). */
  readonly maxDepth?: number;
  /**
   * The memory database the store's records live in. Stores of one database can share a
   * transaction (`tx.with`); by default every store has a database of its own.
   */
  readonly database?: MemoryDatabase;
}

interface Entry {
  readonly key: Key;
  readonly version: number;
  readonly value: Row;
  /** A tombstone: the record was deleted at `version`. */
  readonly gone?: true;
}

function withoutNulls(v: Row): Row {
  const out: Row = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = x;
  return out;
}

/**
 * The reference store: records in process memory, with exactly the semantics every
 * database store must match (it decides each write with `explainFailure`). Writes,
 * transactions and locks are serialised by one mutex; reads see committed data only.
 * A delete leaves a tombstone with the record's last version, so a record created again
 * starts after it: a version never names two incarnations of a key.
 * For tests and prototypes; nothing survives the process.
 *
 * @example
 * ```ts
 * const counters = collection(new MemoryStore({ key: 'id' }));
 * await counters.create('c', { id: 'c', n: 0 });
 * await counters.apply('c', [inc('n', 1)]);
 * ```
 */
export class MemoryStore<T extends object = Row> implements Store<T> {
  readonly kind = 'memory';
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities = { lock: 'mutex' };
  /** The memory database this store's transactions live on (see `MemoryStoreConfig.database`). */
  readonly transactionDomain: MemoryDatabase;
  /** This store's table inside the database. */
  readonly #slot = {};
  readonly #mutex: Mutex;
  readonly #tables: Map<object, Table>;

  constructor(config: MemoryStoreConfig = {}) {
    this.transactionDomain = config.database ?? new MemoryDatabase();
    const state = memoryState(this.transactionDomain);
    this.#mutex = state.mutex;
    this.#tables = state.tables;
    const keys = config.key === undefined ? ['id'] : typeof config.key === 'string' ? [config.key] : [...config.key];
    this.schema = {
      keyFields: keys,
      versionField: config.version ?? 'version',
      ...(config.fields ? { fields: [...config.fields] } : {}),
      ...(config.json ? { jsonFields: [...config.json] } : {}),
      ...(config.maxBytes ? { maxBytes: { ...config.maxBytes } } : {}),
      ...(config.fieldTypes ? { fieldTypes: { ...config.fieldTypes } } : {}),
      ...(config.maxDepth === undefined ? {} : { maxDepth: config.maxDepth }),
    };
  }

  /** The committed table (writes outside a transaction change it in place, under the database's mutex). */
  get #table(): Table {
    let table = this.#tables.get(this.#slot);
    if (!table) this.#tables.set(this.#slot, (table = new Map()));
    return table;
  }

  #snap(entry: Entry | undefined): Snapshot<T> | undefined {
    return entry && !entry.gone
      ? { key: entry.key, version: String(entry.version), value: cloneJson(entry.value) as T }
      : undefined;
  }

  #readIn(table: Table, key: Key): Snapshot<T> | undefined {
    return this.#snap(table.get(keyString(this.schema, key)));
  }

  #writeIn(table: Table, cmd: WriteCommand): Snapshot<T> {
    const id = keyString(this.schema, cmd.key);
    const entry = table.get(id);
    const current = this.#snap(entry);
    const error = explainFailure(this.schema, cmd, current);
    if (error) throw error;
    const checked = checkChange(this.schema, cmd, current?.value as Row | undefined);
    if ('error' in checked) throw checked.error;
    const next = withoutNulls(checked.next);
    // After a tombstone: the next version of the key, never one an earlier incarnation had.
    const written: Entry = { key: cmd.key, version: (entry?.version ?? 0) + 1, value: next };
    table.set(id, written);
    const snap = this.#snap(written) as Snapshot<T>;
    return cmd.returnPrevious && current
      ? { ...snap, previous: { version: current.version, value: current.value } }
      : snap;
  }

  #deleteIn(table: Table, key: Key, expect: Expect): Snapshot<T> {
    const id = keyString(this.schema, key);
    const current = this.#snap(table.get(id));
    if (expect.absent)
      throw new ConflictError('A delete cannot expect the record to be absent', {
        reason: current ? 'exists' : 'gone',
        key,
      });
    const error = explainFailure(this.schema, { key, change: { ops: [] }, expect }, current);
    if (error) throw error;
    const deleted = current as Snapshot<T>;
    table.set(id, { key, version: Number(deleted.version), value: {}, gone: true });
    return deleted;
  }

  #session(table: Table): StoreSession<T> {
    return {
      get: async (key) => this.#readIn(table, key),
      write: async (cmd) => this.#writeIn(table, cmd),
      delete: async (key, expect) => this.#deleteIn(table, key, expect),
    };
  }

  async get(key: Key): Promise<Snapshot<T> | undefined> {
    keyFields(this.schema, key);
    return this.#readIn(this.#table, key);
  }

  async write(cmd: WriteCommand): Promise<Snapshot<T>> {
    const release = await this.#mutex.acquire();
    try {
      return this.#writeIn(this.#table, cmd);
    } finally {
      release();
    }
  }

  async delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    const release = await this.#mutex.acquire();
    try {
      return this.#deleteIn(this.#table, key, expect);
    } finally {
      release();
    }
  }

  /** Runs `fn` on working copies of the database's tables, made current only if it resolves. */
  async #exclusive<R>(release: () => void, fn: (txn: MemoryTransaction) => Promise<R>): Promise<R> {
    try {
      const txn = new MemoryTransaction(this.transactionDomain);
      const result = await fn(txn);
      txn.commit();
      return result;
    } finally {
      release();
    }
  }

  async transact<R>(fn: (session: TxSession<T>) => Promise<R>, _options: TransactOptions): Promise<R> {
    const release = await this.#mutex.acquire();
    return this.#exclusive(release, (txn) => fn(this.joinTransaction(txn)));
  }

  /** A session of this store inside a transaction of its memory database (`tx.with`). */
  joinTransaction(transaction: unknown): TxSession<T> {
    if (!(transaction instanceof MemoryTransaction) || transaction.database !== this.transactionDomain)
      throw new TypeError('noclobber/memory: not a transaction of this store’s memory database');
    return { ...this.#session(transaction.table(this.#slot)), transaction };
  }

  async lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    keyFields(this.schema, key);
    const release = await this.#mutex.acquire({ timeoutMs: options.lockTimeoutMs, nowait: options.nowait });
    return this.#exclusive(release, (txn) => {
      const table = txn.table(this.#slot);
      return fn({ ...this.#session(table), snapshot: this.#readIn(table, key) });
    });
  }
}
