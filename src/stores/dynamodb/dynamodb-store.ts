import type { Expect } from '../../core/expect.js';
import { keyString } from '../../core/key.js';
import type {
  LockOptions,
  LockSession,
  Store,
  StoreCapabilities,
  StoreSchema,
  TransactOptions,
  TxSession,
  WriteCommand,
} from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { keyItem, toSnapshot } from './dynamodb-codec.js';
import { acquireLease, releaseLease } from './dynamodb-lease.js';
import type { DynamoClient, DynamoStoreConfig } from './dynamodb-store-config.js';
import { type DynamoTable, describeTable } from './dynamodb-table.js';
import { DynamoTx } from './dynamodb-tx.js';
import { DynamoWriter } from './dynamodb-writer.js';

/**
 * A store over an existing DynamoDB table, on AWS SDK v3. Every write is ONE conditional
 * request whose condition holds the version, existence, guards and lease, and which
 * returns the item as it was when the condition failed (`ReturnValuesOnConditionCheckFailure:
 * 'ALL_OLD'`), so stale / gone / guard / type / size are told apart without another read.
 * Ops become one `UpdateExpression` (SET / REMOVE / `if_not_exists` / `list_append`, map
 * paths for merges, `inc` bounds in the condition). `transact` is one `TransactWriteItems`
 * validated against every version it read; `withLock` is a lease with a fencing token on
 * the item, and every other writer's condition refuses a leased item.
 * Create it with the async {@link DynamoStore.open}.
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 });
 * const products = collection(await DynamoStore.open(client, { table: 'products', json: ['metadata'] }));
 * await products.apply('p1', [add('metadata.mirrors', 'https://m2.example')]);
 * ```
 */
export class DynamoStore<T extends object = Row> implements Store<T> {
  readonly kind = 'dynamodb';
  readonly id: string;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities = { lock: 'lease' };
  readonly #w: DynamoWriter<T>;

  /** Use {@link DynamoStore.open}: the key schema is read from the table first. */
  constructor(client: DynamoClient, table: DynamoTable) {
    this.#w = new DynamoWriter<T>(client, table);
    this.schema = table.schema;
    this.id = `dynamodb:${table.name}`;
  }

  /**
   * Reads the table's key schema and returns a store bound to it.
   * @example
   * ```ts
   * const store = await DynamoStore.open(client, { table: 'products', version: 'updated_at', versionKind: 'timestamp' });
   * ```
   */
  static async open<T extends object = Row>(client: DynamoClient, config: DynamoStoreConfig): Promise<DynamoStore<T>> {
    return new DynamoStore<T>(client, await describeTable(client, config));
  }

  /** The client: stores on the same client share a transaction (one `TransactWriteItems`). */
  get transactionDomain(): DynamoClient {
    return this.#w.client;
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#w.get(key);
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return this.#w.write(cmd);
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return this.#w.delete(key, expect);
  }

  /**
   * One attempt: the closure runs against buffered writes, then one TransactWriteItems
   * commits or nothing does. Leases it took (`lockAll`) end with it, committed or not.
   */
  async transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R> {
    const tx = new DynamoTx(this.#w.client, options);
    try {
      const result = await fn(tx.session(this.#w));
      await tx.commit();
      return result;
    } finally {
      await tx.release();
    }
  }

  /** A session of this store (table) inside a transaction another store on the same client opened (`tx.with`). */
  joinTransaction(transaction: unknown): TxSession<T> {
    if (!(transaction instanceof DynamoTx) || transaction.client !== this.#w.client)
      throw new TypeError('noclobber/dynamodb: not a transaction of this store’s client');
    return transaction.session(this.#w);
  }

  /**
   * Holds a lease on the record while `fn` runs (`leaseMs`, default 15 s; not renewed).
   * Writes to the record through the session are conditioned on the lease's token, so a
   * holder that outlived its lease writes nothing (`LockLostError`). A missing record is
   * not leased (as a row lock on a missing row), and creating it is create-only anyway.
   */
  async lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    const itemKey = keyItem(this.#w.table, key);
    const { lease, item } = await acquireLease(this.#w.client, this.#w.table, itemKey, options);
    const id = keyString(this.schema, key);
    const held = (k: Key) => (lease && keyString(this.schema, k) === id ? lease : undefined);
    try {
      return await fn({
        snapshot: toSnapshot<T>(this.#w.table, key, item),
        ...(lease ? { fencingToken: lease.fence } : {}),
        get: (k) => this.#w.get(k),
        write: (cmd) => this.#w.write(cmd, held(cmd.key)),
        delete: (k, expect) => this.#w.delete(k, expect, held(k)),
      });
    } finally {
      if (lease) await releaseLease(this.#w.client, this.#w.table, itemKey, lease);
    }
  }
}
