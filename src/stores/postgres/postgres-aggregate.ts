import { ConflictError } from '../../core/errors/conflict-error.js';
import { GuardError } from '../../core/errors/guard-error.js';
import type { Expect } from '../../core/expect.js';
import { explainFailure, nextValue } from '../../core/explain-failure.js';
import { keyFields } from '../../core/key.js';
import type { NormalOp } from '../../core/ops.js';
import type {
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
import type { Key, KeyPart, Row, Snapshot } from '../../core/types.js';
import { childAlias, childrenSql } from './postgres-aggregate-sql.js';
import { inspectAggregate, type PgAggregateTable, type PostgresAggregateConfig } from './postgres-aggregate-table.js';
import type { PgPhase } from './postgres-errors.js';
import { type PgQueryable, pgQuery } from './postgres-query.js';
import { ident } from './postgres-sql.js';
import { PostgresStore } from './postgres-store.js';
import type { PgPool } from './postgres-store-config.js';
import { columnValue } from './postgres-table.js';
import type { PgTransaction } from './postgres-transaction.js';
import { versionText } from './postgres-version-sql.js';
import { type Children, deleteAllChildren, writeChildren } from './postgres-write-children.js';

/**
 * A record that spans tables (an aggregate): a root row carrying the version and child
 * relations (`images`, `variants`) whose rows are part of its value as arrays. `update(fn)`
 * on it reads the root and its children in ONE statement, runs the intent on the whole
 * aggregate, and writes the root's version bump plus the children's inserts, updates and
 * deletes in one transaction conditioned on the root's version — so a concurrent change
 * to any child (made through the aggregate) is a conflict, and validation in the intent
 * sees the children as they will be written. The root write is the PostgreSQL store's own
 * conditional statement. Every write to a child must go through the aggregate (or bump
 * the root's version), or it is invisible to the version check.
 *
 * @example
 * ```ts
 * const products = collection(await PostgresAggregateStore.open(pool, {
 *   table: 'products', key: 'id',
 *   children: { images: { table: 'product_images', orderBy: ['position'] }, variants: { table: 'product_variants' } },
 * }));
 * await products.update('p1', (p) => ({ ...p, images: p.images.filter((i) => i.id !== 'img3') }));
 * ```
 */
export class PostgresAggregateStore<T extends object = Row> implements Store<T> {
  readonly kind = 'postgres';
  readonly id: string;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities = { lock: 'row' };
  readonly #pool: PgPool;
  /** The PostgreSQL store on the root table: its conditional write, transactions and locks are the aggregate's. */
  readonly #root: PostgresStore<Row>;
  readonly #table: PgAggregateTable;
  readonly #config: PostgresAggregateConfig;
  readonly #prepare: boolean;
  readonly #sql = new Map<string, string>();

  /** Use {@link PostgresAggregateStore.open}: the tables are read from the catalog first. */
  constructor(pool: PgPool, table: PgAggregateTable, config: PostgresAggregateConfig) {
    this.#pool = pool;
    this.#root = new PostgresStore<Row>(pool, table.root, config);
    this.#table = table;
    this.#config = config;
    this.schema = table.schema;
    this.id = `postgres:${table.root.quoted}`;
    this.#prepare = config.prepare ?? true;
  }

  /**
   * Reads the root and child tables (columns, keys, foreign keys) and returns a store bound to them.
   * @example
   * ```ts
   * const store = await PostgresAggregateStore.open(pool, { table: 'products', key: 'id', children: { images: { table: 'product_images' } } });
   * ```
   */
  static async open<T extends object = Row>(
    pool: PgPool,
    config: PostgresAggregateConfig,
  ): Promise<PostgresAggregateStore<T>> {
    return new PostgresAggregateStore<T>(pool, await inspectAggregate(pool, config), config);
  }

  #keyParams(key: Key): { values: KeyPart[]; param: (i: number) => string } {
    const fields = keyFields(this.schema, key);
    const { keyFields: names } = this.schema;
    return {
      values: names.map((f) => fields[f] as KeyPart),
      param: (i) => `$${i + 1}::${this.#table.root.columns.get(names[i] as string)?.type}`,
    };
  }

  /** Root and children in one statement (one snapshot), optionally locking the root row. */
  #readSql(lock: string, param: (i: number) => string): string {
    let sql = this.#sql.get(lock);
    if (!sql) {
      const { root } = this.#table;
      const keys = this.schema.keyFields;
      const v = versionText(`t.${ident(this.schema.versionField)}`, this.#config.versionKind === 'timestamp');
      const cols = [...root.columns.keys()].map((c) => `t.${ident(c)}`);
      const children = this.#table.children.map(
        (c, i) => `${childrenSql(c, (j) => `t.${ident(keys[j] as string)}`)} AS ${childAlias(i)}`,
      );
      const where = keys.map((k, i) => `t.${ident(k)} = ${param(i)}`).join(' AND ');
      sql = `SELECT ${[...cols, `${v} AS __nc_v`, ...children].join(', ')} FROM ${root.quoted} AS t WHERE ${where}${lock}`;
      this.#sql.set(lock, sql);
    }
    return sql;
  }

  #childrenOf(row: Record<string, unknown>): Children {
    const out: Children = {};
    this.#table.children.forEach((c, i) => {
      out[c.name] = (row[childAlias(i)] as Row[] | null) ?? [];
    });
    return out;
  }

  async #read(q: PgQueryable, key: Key, phase: PgPhase, lock = ''): Promise<Snapshot<T> | undefined> {
    const { values, param } = this.#keyParams(key);
    const row = (await pgQuery(q, this.#readSql(lock, param), values, phase, this.#prepare)).rows[0];
    if (!row) return undefined;
    const value: Row = {};
    for (const [name, column] of this.#table.root.columns) value[name] = columnValue(column, row[name]);
    return { key, version: row.__nc_v as string, value: { ...value, ...this.#childrenOf(row) } as T };
  }

  async #children(q: PgQueryable, key: Key): Promise<Children> {
    const { values, param } = this.#keyParams(key);
    let sql = this.#sql.get('children');
    if (!sql) {
      sql = `SELECT ${this.#table.children.map((c, i) => `${childrenSql(c, param)} AS ${childAlias(i)}`).join(', ')}`;
      this.#sql.set('children', sql);
    }
    return this.#childrenOf((await pgQuery(q, sql, values, 'in-transaction', this.#prepare)).rows[0] ?? {});
  }

  #compose(root: Snapshot<Row>, children: Children, before?: Children): Snapshot<T> {
    const snap = { key: root.key, version: root.version, value: { ...root.value, ...children } as T };
    return root.previous && before
      ? { ...snap, previous: { version: root.previous.version, value: { ...root.previous.value, ...before } as T } }
      : snap;
  }

  /** A conflict or guard failure on the root carries the whole aggregate as `current`. */
  async #withChildren(e: unknown, q: PgQueryable, key: Key): Promise<unknown> {
    if (!((e instanceof ConflictError || e instanceof GuardError) && e.current)) return e;
    let current: Snapshot<unknown>;
    try {
      current = this.#compose(e.current as Snapshot<Row>, await this.#children(q, key));
    } catch {
      return e;
    }
    const base = { key: e.key, current, ...(e.cause === undefined ? {} : { cause: e.cause }) };
    if (e instanceof GuardError)
      return new GuardError(e.message, {
        ...base,
        guard: e.guard,
        ...(e.actual === undefined ? {} : { actual: e.actual }),
      });
    return new ConflictError(e.message, {
      ...base,
      reason: e.reason,
      ...(e.expected === undefined ? {} : { expected: e.expected }),
      ...(e.actual === undefined ? {} : { actual: e.actual }),
    });
  }

  #touchesChildren(op: NormalOp): boolean {
    const [first] = op.path;
    if (first !== undefined) return this.#table.children.some((c) => c.name === first);
    return op.op === 'merge' && this.#table.children.some((c) => c.name in op.value);
  }

  async #writeIn(session: StoreSession<Row>, q: PgQueryable, cmd: WriteCommand): Promise<Snapshot<T>> {
    const { key, change } = cmd;
    const rootWrite = (c: WriteCommand) =>
      session.write(c).catch(async (e: unknown) => Promise.reject(await this.#withChildren(e, q, key)));
    if ('ops' in change && !change.ops.some((op) => this.#touchesChildren(op))) {
      const root = await rootWrite(cmd);
      return this.#compose(root, await this.#children(q, key));
    }
    let value: Row;
    let expect: Expect = cmd.expect;
    if ('ops' in change) {
      // Ops on the relations: computed on the aggregate read under the root's row lock.
      const current = await this.#read(q, key, 'in-transaction', ' FOR UPDATE OF t');
      const failure = explainFailure(this.schema, cmd, current);
      if (failure) throw failure;
      value = nextValue(change, (current?.value as Row | undefined) ?? { ...keyFields(this.schema, key) }, key);
      if (current) expect = { ...expect, version: current.version };
    } else value = change.value;
    const names = new Set(this.#table.children.map((c) => c.name));
    const rootValue: Row = {};
    for (const [k, v] of Object.entries(value)) if (!names.has(k)) rootValue[k] = v;
    const root = await rootWrite({
      key,
      change: { value: rootValue },
      expect,
      ...(cmd.returnPrevious ? { returnPrevious: true } : {}),
    });
    const before: Children = expect.absent ? {} : await this.#children(q, key);
    const wrote = await writeChildren(q, this.schema, this.#table.children, key, before, value);
    return this.#compose(root, wrote ? await this.#children(q, key) : { ...before }, before);
  }

  async #deleteIn(session: StoreSession<Row>, q: PgQueryable, key: Key, expect: Expect): Promise<Snapshot<T>> {
    const current = await this.#read(q, key, 'in-transaction', ' FOR UPDATE OF t');
    const failure = explainFailure(this.schema, { key, change: { ops: [] }, expect }, current);
    if (failure) throw failure;
    await deleteAllChildren(q, this.schema, this.#table.children, key);
    await session.delete(key, expect);
    return current as Snapshot<T>;
  }

  #session(root: StoreSession<Row>, q: PgQueryable): StoreSession<T> {
    return {
      get: (key) => this.#read(q, key, 'in-transaction'),
      write: (cmd) => this.#writeIn(root, q, cmd),
      delete: (key, expect) => this.#deleteIn(root, q, key, expect),
    };
  }

  /** A transaction's session: the root's statements through the root store's session, the children's in the same transaction. */
  #txSession(root: TxSession<Row>): TxSession<T> {
    const txn = root.transaction as PgTransaction;
    return {
      ...this.#session(root, txn.queryable),
      transaction: txn,
      // Every aggregate writer takes the root's row lock first, so locking the roots locks the aggregates.
      ...(root.lockAll ? { lockAll: root.lockAll } : {}),
    };
  }

  /** The pool (as for the PostgreSQL store): stores on the same pool share a transaction. */
  get transactionDomain(): object {
    return this.#root.transactionDomain;
  }

  /** A session of this aggregate inside a transaction another store of the same pool opened (`tx.with`). */
  joinTransaction(transaction: unknown): TxSession<T> {
    return this.#txSession(this.#root.joinTransaction(transaction));
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#read(this.#pool, key, 'read');
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return this.transact((s) => s.write(cmd), { isolation: 'read committed' });
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return this.transact((s) => s.delete(key, expect), { isolation: 'read committed' });
  }

  transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R> {
    return this.#root.transact((session) => fn(this.#txSession(session)), options);
  }

  lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    return this.#root.lock(
      key,
      async (locked) => {
        const q = locked.transaction.queryable;
        const snapshot = locked.snapshot ? this.#compose(locked.snapshot, await this.#children(q, key)) : undefined;
        return fn({ ...this.#session(locked, q), snapshot });
      },
      options,
    );
  }
}
