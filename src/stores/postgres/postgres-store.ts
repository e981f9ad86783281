import { fieldTypeProblem } from '../../core/check-change.js';
import { ConflictError } from '../../core/errors/conflict-error.js';
import { InvalidChangeError } from '../../core/errors/invalid-change-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import type { Expect } from '../../core/expect.js';
import { checkChange, explainFailure } from '../../core/explain-failure.js';
import { keyFields } from '../../core/key.js';
import type {
  LockOptions,
  Store,
  StoreCapabilities,
  StoreSchema,
  StoreSession,
  TransactOptions,
  TxSession,
  WriteCommand,
} from '../../core/store.js';
import type { Key, Row, Snapshot } from '../../core/types.js';
import { mapPgError, type PgPhase } from './postgres-errors.js';
import { guardSql } from './postgres-guards-sql.js';
import { planOps } from './postgres-ops-sql.js';
import { type PgQueryable, pgQuery } from './postgres-query.js';
import { ident, type KeyParts, PgParams, whereOf } from './postgres-sql.js';
import type { PgPool, PgResult, PostgresStoreConfig } from './postgres-store-config.js';
import { columnValue, inspectTable, type PgColumn, type PgTable } from './postgres-table.js';
import { burySql, claimSql, tombstoneKey } from './postgres-tombstones.js';
import {
  checkout,
  type PgLockSession,
  PgTransaction,
  pgLockWait,
  runPgTransaction,
  transactionDomainOf,
} from './postgres-transaction.js';
import { firstVersionSql, nextVersionSql, versionText } from './postgres-version-sql.js';

const ISOLATION = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
} as const;

/** A write statement, with the CTEs that keep tombstones before (a create) or after (a delete) it. */
type WriteSql = { readonly sql: string; readonly before?: string; readonly after?: string };

/**
 * A store over an existing PostgreSQL table, on `pg`. Every write is ONE statement: the
 * condition in its WHERE, the new row and — when nothing matched — the current row in its
 * result, so stale / gone / guard / type / size are told apart without a second racy round
 * trip. `withLock` is `SELECT … FOR UPDATE [NOWAIT]` under `lock_timeout`; `transact` runs
 * at REPEATABLE READ by default (every read in it sees one snapshot), or READ COMMITTED with
 * its rows locked in key order when it starts with `lockAll`; 40001 / 40P01 become
 * retryable. Stores on the same pool share a transaction (`tx.with`). A failure is classified
 * by when it happened (nothing sent / write or COMMIT in flight). Create it with the async
 * {@link PostgresStore.open}.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', () => {}); // pg emits idle-client errors on the pool
 * const stacks = collection(await PostgresStore.open(pool, { table: 'stacks', key: 'slug' }));
 * ```
 */
export class PostgresStore<T extends object = Row> implements Store<T> {
  readonly kind = 'postgres';
  readonly id: string;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities = { lock: 'row' };
  readonly #pool: PgPool;
  readonly #table: PgTable;
  readonly #timestamp: boolean;
  readonly #prepare: boolean;
  readonly #colLists = new Map<string, string>();

  /** Use {@link PostgresStore.open}: the table is read from the catalog first. */
  constructor(pool: PgPool, table: PgTable, config: PostgresStoreConfig) {
    this.#pool = pool;
    this.#table = table;
    this.schema = table.schema;
    this.id = `postgres:${table.quoted}`;
    this.#timestamp = config.versionKind === 'timestamp';
    this.#prepare = config.prepare ?? true;
  }

  /**
   * Reads the table's columns and returns a store bound to it.
   * @example
   * ```ts
   * const store = await PostgresStore.open(pool, { table: 'accounts', key: 'id' });
   * ```
   */
  static async open<T extends object = Row>(pool: PgPool, config: PostgresStoreConfig): Promise<PostgresStore<T>> {
    return new PostgresStore<T>(pool, await inspectTable(pool, config), config);
  }

  /** The pool: stores on the same pool share a transaction (on the one client it checked out). */
  get transactionDomain(): object {
    return transactionDomainOf(this.#pool);
  }

  #v(alias: string): string {
    return versionText(`${alias}.${ident(this.schema.versionField)}`, this.#timestamp);
  }

  #snapshot(key: Key, row: Record<string, unknown> | undefined): Snapshot<T> | undefined {
    if (!row) return undefined;
    const value: Row = {};
    for (const [name, column] of this.#table.columns) value[name] = columnValue(column, row[name]);
    return { key, version: row.__nc_v as string, value: value as T };
  }

  #keyParts(key: Key, p: PgParams): KeyParts {
    const fields = keyFields(this.schema, key);
    return this.schema.keyFields.map((f) => [ident(f), p.add(fields[f], this.#table.columns.get(f)?.type)] as const);
  }

  #keyWhere(key: Key, p: PgParams): (alias: string) => string {
    return whereOf(this.#keyParts(key, p));
  }

  #conditions(expect: Expect, p: PgParams): string[] {
    const parts: string[] = [];
    if (expect.version !== undefined) parts.push(`${this.#v('t')} = ${p.add(expect.version, 'text')}`);
    for (const g of expect.where ?? []) parts.push(guardSql(g, this.#table.columns, p));
    return parts;
  }

  /** The table's columns under `alias`, listed: a column added later must not change a prepared statement's result. */
  #cols(alias: string): string {
    let list = this.#colLists.get(alias);
    if (!list) {
      list = [...this.#table.columns.keys()].map((c) => `${alias}.${ident(c)}`).join(', ');
      this.#colLists.set(alias, list);
    }
    return list;
  }

  #q(q: PgQueryable, sql: string, values: unknown[], phase: PgPhase): Promise<PgResult> {
    return pgQuery(q, sql, values, phase, this.#prepare);
  }

  /** Runs a write `w` (between the tombstone's CTEs) and returns the written row, or explains why nothing was written. */
  async #conditional(
    q: PgQueryable,
    write: WriteSql,
    key: (alias: string) => string,
    p: PgParams,
    cmd: WriteCommand,
    phase: PgPhase,
  ): Promise<Snapshot<T>> {
    // PostgreSQL 18 can return the row as it was before the write, from the same statement.
    const old = cmd.returnPrevious && !cmd.expect.absent && this.#table.serverVersion >= 180000;
    const sql = `WITH ${write.before ? `${write.before}, ` : ''}w AS (${write.sql} RETURNING ${this.#cols('t')}, ${this.#v('t')} AS __nc_v${old ? `, to_jsonb(old) AS __nc_old, ${this.#v('old')} AS __nc_oldv` : ''})${write.after ? `, ${write.after}` : ''}
SELECT true AS __nc_w, * FROM w
UNION ALL SELECT false, ${this.#cols('c')}, ${this.#v('c')}${old ? ', NULL::jsonb, NULL::text' : ''} FROM ${this.#table.quoted} AS c WHERE ${key('c')} AND NOT EXISTS (SELECT 1 FROM w)`;
    const row = (await this.#q(q, sql, p.values, phase)).rows[0];
    if (row?.__nc_w === true) {
      const written = this.#snapshot(cmd.key, row) as Snapshot<T>;
      const before = row.__nc_old
        ? this.#snapshot(cmd.key, { ...(row.__nc_old as Row), __nc_v: row.__nc_oldv })
        : undefined;
      return before ? { ...written, previous: { version: before.version, value: before.value } } : written;
    }
    let error = explainFailure(this.schema, cmd, this.#snapshot(cmd.key, row));
    // At READ COMMITTED the row in the result is the statement's snapshot; if a concurrent
    // commit made the write fail, that copy may explain nothing: read the latest and ask again.
    if (!error)
      error = explainFailure(this.schema, cmd, await this.#read(q, cmd.key, phase === 'write' ? 'read' : phase));
    throw (
      error ??
      new TransientError('The row changed while the write was being decided; retry', { reason: 'serialization' })
    );
  }

  /** A checked value (checkChange refused what a column cannot hold) as a typed parameter. */
  #encode(name: string, value: unknown, p: PgParams): string {
    const column = this.#table.columns.get(name);
    if (!column || value === null || value === undefined) return `NULL${column ? `::${column.type}` : ''}`;
    return column.json ? p.json(value) : p.add(value, column.type);
  }

  /** A value the table cannot take is refused in the documented order: exists / gone / stale / guards first. */
  async #refuse(q: PgQueryable, cmd: WriteCommand, error: Error, phase: PgPhase): Promise<never> {
    throw explainFailure(this.schema, cmd, await this.#read(q, cmd.key, phase === 'write' ? 'read' : phase)) ?? error;
  }

  async #write(q: PgQueryable, cmd: WriteCommand, phase: PgPhase): Promise<Snapshot<T>> {
    const p = new PgParams();
    const parts = this.#keyParts(cmd.key, p);
    const key = whereOf(parts);
    const v = ident(this.schema.versionField);
    if (cmd.expect.absent) {
      const checked = checkChange(this.schema, cmd, undefined);
      if ('error' in checked) return this.#refuse(q, cmd, checked.error, phase);
      const value = checked.next;
      // Top-level null is absent: a null field the table has no column for is nothing to write.
      const names = Object.keys(value).filter((n) => value[n] !== undefined && value[n] !== null);
      // The version after the key's tombstone (hw.version: 0 for a key never deleted), never one an earlier record had.
      const initial = firstVersionSql('hw.version', this.#timestamp, this.#table.versionType);
      const t = this.#table.tombstones;
      // An autocommit create whose snapshot sees the record reports it without writing (it is ordered before any delete of it).
      const gate = phase === 'write' ? `SELECT 1 FROM ${this.#table.quoted} AS g WHERE ${key('g')}` : undefined;
      const claim = claimSql(t, p.add(t.store, 'text'), tombstoneKey(parts.map(([, ph]) => ph)), gate);
      const insert = `INSERT INTO ${this.#table.quoted} AS t (${[...names.map(ident), v].join(', ')}) SELECT ${[...names.map((n) => this.#encode(n, value[n], p)), initial].join(', ')} FROM hw ON CONFLICT DO NOTHING`;
      return this.#conditional(q, { sql: insert, before: claim }, key, p, cmd, phase);
    }
    const where = [key('t'), ...this.#conditions(cmd.expect, p)];
    let sets: string[];
    if ('ops' in cmd.change) {
      const plan = planOps(cmd.change.ops, this.#table.columns, p, this.schema.maxBytes ?? {});
      sets = plan ? [plan.set] : [];
      if (plan) where.push(plan.ok);
    } else {
      // Columns `fields` does not name may ride along only unchanged: checked as if they were,
      // and required unchanged in the statement itself (else explainFailure says unknown_field).
      const value = cmd.change.value;
      const listed = this.schema.fields ?? [];
      const foreign = Object.keys(value).filter(
        (k) => !listed.includes(k) && value[k] !== null && this.#table.columns.has(k),
      );
      const checked = checkChange(this.schema, cmd, Object.fromEntries(foreign.map((k) => [k, value[k]])));
      const misfit = foreign.some((k) => {
        const column = this.#table.columns.get(k) as PgColumn;
        return !column.json && fieldTypeProblem(column.fieldType, value[k]) !== undefined;
      });
      if ('error' in checked) return this.#refuse(q, cmd, checked.error, phase);
      // A value the column cannot hold is not what it holds: explained against the row.
      if (misfit)
        return this.#refuse(
          q,
          cmd,
          new InvalidChangeError('A field outside `fields` can only ride along unchanged', { reason: 'unknown_field' }),
          phase,
        );
      for (const k of foreign) where.push(`t.${ident(k)} IS NOT DISTINCT FROM ${this.#encode(k, value[k], p)}`);
      // Only the listed columns are written: the others keep what they hold.
      sets = listed
        .filter((c) => !this.schema.keyFields.includes(c))
        .map((c) => `${ident(c)} = ${this.#encode(c, value[c], p)}`);
    }
    const update = `UPDATE ${this.#table.quoted} AS t SET ${[...sets, `${v} = ${nextVersionSql(`t.${v}`, this.#timestamp, this.#table.versionType)}`].join(', ')} WHERE ${where.join(' AND ')}`;
    return this.#conditional(q, { sql: update }, key, p, cmd, phase);
  }

  async #delete(q: PgQueryable, key: Key, expect: Expect, phase: PgPhase): Promise<Snapshot<T>> {
    if (expect.absent) {
      const reason = (await this.#read(q, key, phase === 'write' ? 'read' : phase)) ? 'exists' : 'gone';
      throw new ConflictError('A delete cannot expect the record to be absent', { reason, key });
    }
    const p = new PgParams();
    const where = this.#keyWhere(key, p);
    const del = `DELETE FROM ${this.#table.quoted} AS t WHERE ${[where('t'), ...this.#conditions(expect, p)].join(' AND ')}`;
    // The deleted row's version stays as the key's tombstone, in the same statement.
    const t = this.#table.tombstones;
    const bury = burySql(t, p.add(t.store, 'text'), tombstoneKey(this.schema.keyFields.map((f) => `w.${ident(f)}`)));
    return this.#conditional(q, { sql: del, after: bury }, where, p, { key, change: { ops: [] }, expect }, phase);
  }

  async #read(q: PgQueryable, key: Key, phase: PgPhase, lock = ''): Promise<Snapshot<T> | undefined> {
    const p = new PgParams();
    const sql = `SELECT ${this.#cols('t')}, ${this.#v('t')} AS __nc_v FROM ${this.#table.quoted} AS t WHERE ${this.#keyWhere(key, p)('t')}${lock}`;
    return this.#snapshot(key, (await this.#q(q, sql, p.values, phase)).rows[0]);
  }

  #session(q: PgQueryable): StoreSession<T> {
    return {
      get: (key) => this.#read(q, key, 'in-transaction'),
      write: (cmd) => this.#write(q, cmd, 'in-transaction'),
      delete: (key, expect) => this.#delete(q, key, expect, 'in-transaction'),
    };
  }

  #txSession(txn: PgTransaction): TxSession<T> {
    return { ...this.#session(txn.queryable), transaction: txn, lockAll: (keys) => this.#lockAll(txn, keys) };
  }

  /**
   * Locks the rows of `keys` with ONE `SELECT … ORDER BY key FOR UPDATE`: PostgreSQL sorts
   * before it locks, so every transaction takes the rows in the same order and two of them
   * cannot deadlock on them. Sent first, it begins the transaction at READ COMMITTED (unless
   * an isolation was asked): the rows are then read as committed, and held. Rows it did not
   * lock stay optimistic (see `PgTransaction.locking`).
   */
  async #lockAll(txn: PgTransaction, keys: readonly Key[]): Promise<void> {
    if (keys.length === 0) return;
    const p = new PgParams();
    const which = keys.map((k) => `(${this.#keyWhere(k, p)('t')})`).join(' OR ');
    const order = this.schema.keyFields.map((f) => `t.${ident(f)}`).join(', ');
    const sql = `SELECT 1 FROM ${this.#table.quoted} AS t WHERE ${which} ORDER BY ${order} FOR UPDATE`;
    await txn.locking(() => this.#q(txn.queryable, sql, p.values, 'in-transaction'));
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#read(this.#pool, key, 'read');
  }

  /** An autocommit write on its own checked-out client, so a failure to connect (nothing sent) is told from a write in flight. */
  async #autocommit<R>(fn: (q: PgQueryable) => Promise<R>): Promise<R> {
    const held = await checkout(this.#pool);
    try {
      const result = await fn(held.client);
      held.release();
      return result;
    } catch (e) {
      held.release(e);
      throw e;
    }
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return this.#autocommit((q) => this.#write(q, cmd, 'write'));
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return this.#autocommit((q) => this.#delete(q, key, expect, 'write'));
  }

  transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R> {
    const level = options.isolation ? ISOLATION[options.isolation] : undefined;
    return runPgTransaction(this.#pool, level, (txn) => fn(this.#txSession(txn)), options.lockTimeoutMs);
  }

  /** A session of this store inside a transaction another store on the same pool opened (`tx.with`). */
  joinTransaction(transaction: unknown): TxSession<T> {
    if (!(transaction instanceof PgTransaction) || transactionDomainOf(transaction.pool) !== this.transactionDomain)
      throw new TypeError('noclobber/postgres: not a transaction of this store’s pool');
    return this.#txSession(transaction);
  }

  lock<R>(key: Key, fn: (session: PgLockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    keyFields(this.schema, key);
    return runPgTransaction(this.#pool, 'READ COMMITTED', async (txn) => {
      const q = txn.queryable;
      if (!options.nowait)
        await this.#q(
          q,
          `SELECT set_config('lock_timeout', $1, true)`,
          [pgLockWait(options.lockTimeoutMs)],
          'in-transaction',
        );
      let snapshot: Snapshot<T> | undefined;
      try {
        snapshot = await this.#read(q, key, 'lock', options.nowait ? ' FOR UPDATE NOWAIT' : ' FOR UPDATE');
      } catch (e) {
        throw mapPgError((e as { cause?: unknown }).cause ?? e, 'lock', { nowait: options.nowait });
      }
      return fn({ ...this.#session(q), snapshot, transaction: txn });
    });
  }
}
