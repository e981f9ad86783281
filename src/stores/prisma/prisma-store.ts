import type { Expect } from '../../core/expect.js';
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
import { PostgresAggregateStore } from '../postgres/postgres-aggregate.js';
import { inspectAggregate, type PostgresChildConfig, primaryKey } from '../postgres/postgres-aggregate-table.js';
import { PostgresStore } from '../postgres/postgres-store.js';
import type { PgPool, PostgresStoreConfig } from '../postgres/postgres-store-config.js';
import { inspectTable } from '../postgres/postgres-table.js';
import { pgTombstoneTriggerDdl } from '../postgres/postgres-tombstone-trigger.js';
import { FieldNames } from './field-names.js';
import type { PrismaClientLike, PrismaTransactionOptions } from './prisma-client.js';
import { type ModelMapping, modelMapping } from './prisma-model.js';
import { prismaPool } from './prisma-pool.js';
import { RenamedStore } from './renamed-store.js';

/** How one included relation is tied to the root and ordered (field names). */
export interface PrismaChildOptions {
  /** The child's field(s) holding the root's key. Default: the one foreign key from the child's table to the root's. */
  readonly foreignKey?: string | readonly string[];
  /** Fields the rows are ordered by in the value. Default: the child's key. */
  readonly orderBy?: readonly string[];
}

/**
 * How a {@link PrismaStore} binds a model (or a table). Names are the model's field names.
 * @example
 * ```ts
 * const config: PrismaStoreConfig = { model: 'Product', include: { images: { orderBy: ['position'] }, variants: true } };
 * ```
 */
export interface PrismaStoreConfig {
  /** The Prisma model (`Product`): its table and each field's column come from the client's data model (`@@map`, `@map`). */
  readonly model?: string;
  /** Or a table without a model (one name, in `schema`); its columns are the fields. */
  readonly table?: string;
  /** The PostgreSQL schema of the table. Default: the model's `@@schema`, else the connection's `current_schema()`. */
  readonly schema?: string;
  /** Key field(s). Default: the table's primary key. */
  readonly key?: string | readonly string[];
  /** Version field. Default `'version'`. */
  readonly version?: string;
  /** `integer` (default) or `timestamp`, as for the PostgreSQL store. */
  readonly versionKind?: 'integer' | 'timestamp';
  /** Relations written with the record (an aggregate): their rows are arrays in its value. Model only. */
  readonly include?: readonly string[] | Readonly<Record<string, true | PrismaChildOptions>>;
  /**
   * Fields ops and values may write (key fields included); default every field. The
   * others (a `createdAt` the database fills, a column older code owns) are read, kept as
   * they are by every write, and a value may carry them only unchanged.
   */
  readonly fields?: readonly string[];
  /** Byte caps on Json fields after the write. */
  readonly maxBytes?: Readonly<Record<string, number>>;
  /** Options for the interactive transactions noclobber opens for `withLock`, `transact` and aggregates. */
  readonly transactionOptions?: PrismaTransactionOptions;
  /** The table of tombstones, as for the PostgreSQL store (default `noclobber_tombstones` in the table's schema). */
  readonly tombstoneTable?: string;
  /** Create the table of tombstones when it is missing (default true); with false a missing one is a `SetupError` with its DDL. */
  readonly createTombstoneTable?: boolean;
}

const list = (v: string | readonly string[]) => (typeof v === 'string' ? [v] : [...v]);

async function currentSchema(pool: PgPool): Promise<string> {
  return (await pool.query('SELECT current_schema()::text AS s')).rows[0]?.s as string;
}

/**
 * The statements' store for one client: the PostgreSQL store (or aggregate store) in the
 * model's field names; `triggerDdl` is the DDL of the (root) table's tombstone trigger.
 */
type MakeStore<T extends object> = ((client: PrismaClientLike) => Store<T>) & {
  readonly triggerDdl: readonly string[];
};

async function prepare<T extends object>(client: PrismaClientLike, config: PrismaStoreConfig): Promise<MakeStore<T>> {
  const options = config.transactionOptions ?? {};
  const pool = prismaPool(client, options);
  const mapping: ModelMapping | undefined = config.model ? modelMapping(client, config.model) : undefined;
  if (!mapping && !config.table) throw new TypeError('noclobber/prisma: name a `model` (or a `table`)');
  const schema = config.schema ?? mapping?.schema ?? (await currentSchema(pool));
  // Schema and table stay apart: an @@map name is one name, dots and all.
  const table = (mapping?.table ?? config.table) as string;
  const includes = Array.isArray(config.include)
    ? Object.fromEntries(config.include.map((n) => [n, true as const]))
    : ((config.include ?? {}) as Readonly<Record<string, true | PrismaChildOptions>>);
  if (!mapping && Object.keys(includes).length > 0) throw new TypeError('noclobber/prisma: `include` needs a `model`');
  const childNames = new Map<string, FieldNames>();
  const children: Record<string, PostgresChildConfig> = {};
  for (const [name, given] of Object.entries(includes) as [string, true | PrismaChildOptions][]) {
    const target = mapping?.relations.get(name);
    if (!target) throw new TypeError(`noclobber/prisma: model ${mapping?.model} has no relation "${name}"`);
    const child = modelMapping(client, target);
    const names = new FieldNames(child.columns);
    const opts: PrismaChildOptions = given === true ? {} : given;
    childNames.set(name, names);
    children[name] = {
      table: child.table,
      schema: child.schema ?? schema,
      ...(opts.foreignKey ? { parentKey: list(opts.foreignKey).map((f) => names.column(f)) } : {}),
      ...(opts.orderBy ? { orderBy: opts.orderBy.map((f) => names.column(f)) } : {}),
    };
  }
  const names = new FieldNames(mapping?.columns ?? new Map(), childNames);
  const pgConfig: PostgresStoreConfig = {
    table,
    schema,
    key: config.key ? list(config.key).map((f) => names.column(f)) : await primaryKey(pool, table, schema),
    version: names.column(config.version ?? 'version'),
    versionKind: config.versionKind ?? 'integer',
    // Prisma sends every statement unnamed: there is nothing to prepare.
    prepare: false,
    ...(config.fields ? { fields: config.fields.map((f) => names.column(f)) } : {}),
    ...(config.maxBytes
      ? { maxBytes: Object.fromEntries(Object.entries(config.maxBytes).map(([f, n]) => [names.column(f), n])) }
      : {}),
    ...(config.tombstoneTable === undefined ? {} : { tombstoneTable: config.tombstoneTable }),
    ...(config.createTombstoneTable === undefined ? {} : { createTombstoneTable: config.createTombstoneTable }),
  };
  const timestamp = pgConfig.versionKind === 'timestamp';
  if (pgConfig.key.length === 0)
    throw new TypeError(`noclobber/prisma: ${schema}.${table} has no primary key; name its key`);
  const named = (inner: Store<Row>): Store<T> =>
    names.identity ? (inner as unknown as Store<T>) : new RenamedStore<T>(inner, names);
  if (Object.keys(children).length > 0) {
    const aggregate = { ...pgConfig, children };
    const inspected = await inspectAggregate(pool, aggregate);
    return Object.assign(
      (c: PrismaClientLike) => named(new PostgresAggregateStore(prismaPool(c, options), inspected, aggregate)),
      {
        triggerDdl: pgTombstoneTriggerDdl(inspected.root, timestamp),
      },
    );
  }
  const inspected = await inspectTable(pool, pgConfig);
  return Object.assign((c: PrismaClientLike) => named(new PostgresStore(prismaPool(c, options), inspected, pgConfig)), {
    triggerDdl: pgTombstoneTriggerDdl(inspected, timestamp),
  });
}

/**
 * noclobber on your own `PrismaClient` (Prisma 7, PostgreSQL driver adapter): the
 * PostgreSQL store's statements — one conditional statement per write, the failure
 * explained from the same statement — sent through Prisma's raw query API. Name the model:
 * its table and each field's column come from the client's data model (`@@map`, `@map`),
 * and records use field names. `include` makes the record an aggregate spanning tables.
 * `store.on(tx)` runs the same store inside `prisma.$transaction(async (tx) => …)`, so its
 * writes commit or roll back with the rest of the transaction.
 *
 * @example
 * ```ts
 * const products = collection(await PrismaStore.open(prisma, { model: 'Product', include: ['images', 'variants'] }));
 * await prisma.$transaction(async (tx) => {
 *   await collection(products.store.on(tx)).apply('p1', [inc('stock', -1, { min: 0 })]);
 *   await tx.order.create({ data: { productId: 'p1' } });
 * });
 * ```
 */
export class PrismaStore<T extends object = Row> implements Store<T> {
  readonly kind: string;
  readonly id: string | undefined;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities;
  readonly #make: MakeStore<T>;
  readonly #inner: Store<T>;

  private constructor(make: MakeStore<T>, client: PrismaClientLike) {
    this.#make = make;
    this.#inner = make(client);
    this.kind = this.#inner.kind;
    this.id = this.#inner.id;
    this.schema = this.#inner.schema;
    this.capabilities = this.#inner.capabilities;
  }

  /**
   * Reads the model's tables from the client's data model and the database's catalog, and
   * returns a store on `client`.
   * @example
   * ```ts
   * const store = await PrismaStore.open<Product>(prisma, { model: 'Product' });
   * ```
   */
  static async open<T extends object = Row>(
    client: PrismaClientLike,
    config: PrismaStoreConfig,
  ): Promise<PrismaStore<T>> {
    return new PrismaStore<T>(await prepare<T>(client, config), client);
  }

  /**
   * The same store on another client — typically the transaction client `tx`: its writes
   * are then part of that transaction (a failure that aborts it is a `RerunTransactionError`).
   * @example
   * ```ts
   * await prisma.$transaction((tx) => collection(store.on(tx)).apply('p1', [inc('sold', 1)]));
   * ```
   */
  on(client: PrismaClientLike): PrismaStore<T> {
    return new PrismaStore<T>(this.#make, client);
  }

  /**
   * DDL of a trigger keeping a tombstone when the model's row is deleted around the store —
   * Prisma's own `delete`, plain SQL — as the store's delete does; run it once as the table's
   * owner, one statement at a time: `for (const s of store.tombstoneTriggerDdl()) await prisma.$executeRawUnsafe(s)`
   * (the statements hold no value from data).
   */
  tombstoneTriggerDdl(): readonly string[] {
    return this.#make.triggerDdl;
  }

  /**
   * The client: stores on the same client (or the same transaction client `tx`) share a
   * transaction (`tx.with`); a store on another client, or a `pg` pool, cannot join it.
   */
  get transactionDomain(): object | undefined {
    return this.#inner.transactionDomain;
  }

  /** A session of this store inside a transaction another store on the same client opened (`tx.with`). */
  joinTransaction(transaction: unknown): TxSession<T> {
    const join = this.#inner.joinTransaction?.bind(this.#inner);
    if (!join) throw new TypeError('noclobber/prisma: this store cannot join a transaction');
    return join(transaction);
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#inner.get(key);
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return this.#inner.write(cmd);
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return this.#inner.delete(key, expect);
  }

  transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R> {
    return this.#inner.transact(fn, options);
  }

  lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    return this.#inner.lock(key, fn, options);
  }
}
