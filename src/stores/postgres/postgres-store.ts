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
import { planOps } from './postgres-ops-sql.js';
import { type PgQueryable, pgQuery } from './postgres-query.js';
import { PgRowSql, type WriteSql, writeAttempt } from './postgres-row-sql.js';
import { ident, PgParams, whereOf } from './postgres-sql.js';
import type { PgPool, PgResult, PostgresStoreConfig } from './postgres-store-config.js';
import { columnValue, inspectTable, type PgColumn, type PgTable } from './postgres-table.js';
import { pgTombstoneTriggerDdl } from './postgres-tombstone-trigger.js';
import {
  PG_ISOLATION,
  type PgLockSession,
  PgTransaction,
  pgLockWait,
  runPgAutocommit,
  runPgTransaction,
  transactionDomainOf,
} from './postgres-transaction.js';

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
  readonly #sql: PgRowSql;

  /** Use {@link PostgresStore.open}: the table is read from the catalog first. */
  constructor(pool: PgPool, table: PgTable, config: PostgresStoreConfig) {
    this.#pool = pool;
    this.#table = table;
    this.schema = table.schema;
    this.id = `postgres:${table.quoted}`;
    this.#timestamp = config.versionKind === 'timestamp';
    this.#prepare = config.prepare ?? true;
    this.#sql = new PgRowSql(table, this.schema, this.#timestamp);
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

  /**
   * DDL of a trigger keeping a tombstone for a row deleted around the store (plain SQL, an ORM's delete, a
   * cascade), to run in order as the table's owner: `for (const s of store.tombstoneTriggerDdl()) await pool.query(s)`.
   */
  tombstoneTriggerDdl(): readonly string[] {
    return pgTombstoneTriggerDdl(this.#table, this.#timestamp);
  }

  /** The pool: stores on the same pool share a transaction (on the one client it checked out). */
  get transactionDomain(): object {
    return transactionDomainOf(this.#pool);
  }

  #snapshot(key: Key, row: Record<string, unknown> | undefined): Snapshot<T> | undefined {
    if (!row) return undefined;
    const value: Row = {};
    for (const [name, column] of this.#table.columns) value[name] = columnValue(column, row[name]);
    return { key, version: row.__nc_v as string, value: value as T };
  }

  #q(q: PgQueryable, sql: string, values: unknown[], phase: PgPhase): Promise<PgResult> {
    return pgQuery(q, sql, values, phase, this.#prepare);
  }

  /** Runs `write` as ONE conditional statement and returns the written row, or throws why nothing was written. */
  async #conditional(
    q: PgQueryable,
    write: WriteSql,
    key: (alias: string) => string,
    p: PgParams,
    cmd: WriteCommand,
    phase: PgPhase,
  ): Promise<Snapshot<T>> {
    // PostgreSQL 18 can return the row as it was before the write, from the same statement.
    const returnOld = cmd.returnPrevious === true && !cmd.expect.absent && this.#table.serverVersion >= 180000;
    const sql = this.#sql.conditional(write, key, returnOld);
    const attempt = writeAttempt((await this.#q(q, sql, p.values, phase)).rows[0]);
    if (attempt.outcome === 'written') return this.#written(cmd.key, attempt.row, attempt.before);
    throw await this.#refusal(q, cmd, attempt.current, phase);
  }

  /** The written row, with the row it replaced when the statement returned it. */
  #written(key: Key, row: Record<string, unknown>, old: Record<string, unknown> | undefined): Snapshot<T> {
    const written = this.#snapshot(key, row) as Snapshot<T>;
    const before = this.#snapshot(key, old);
    return before ? { ...written, previous: { version: before.version, value: before.value } } : written;
  }

  /** Why a write refused: explained from the row its statement read, else from the latest row. */
  async #refusal(q: PgQueryable, cmd: WriteCommand, current: Record<string, unknown> | undefined, phase: PgPhase) {
    // At READ COMMITTED the row in the result is the statement's snapshot; if a concurrent
    // commit made the write fail, that copy may explain nothing: read the latest and ask again.
    const error =
      explainFailure(this.schema, cmd, this.#snapshot(cmd.key, current)) ??
      explainFailure(this.schema, cmd, await this.#read(q, cmd.key, phase === 'write' ? 'read' : phase));
    return (
      error ??
      new TransientError('The row changed while the write was being decided; retry', { reason: 'serialization' })
    );
  }

  /** A value the table cannot take is refused in the documented order: exists / gone / stale / guards first. */
  async #refuse(q: PgQueryable, cmd: WriteCommand, error: Error, phase: PgPhase): Promise<never> {
    throw explainFailure(this.schema, cmd, await this.#read(q, cmd.key, phase === 'write' ? 'read' : phase)) ?? error;
  }

  async #write(q: PgQueryable, cmd: WriteCommand, phase: PgPhase): Promise<Snapshot<T>> {
    const p = new PgParams();
    const parts = this.#sql.keyParts(cmd.key, p);
    const key = whereOf(parts);
    if (cmd.expect.absent) {
      const checked = checkChange(this.schema, cmd, undefined);
      if ('error' in checked) return this.#refuse(q, cmd, checked.error, phase);
      return this.#conditional(q, this.#sql.insert(checked.next, parts, p, phase === 'write'), key, p, cmd, phase);
    }
    const guardCheck = [key('t'), ...this.#sql.conditions(cmd.expect, p)];
    let sets: string[];
    if ('ops' in cmd.change) {
      const plan = planOps(cmd.change.ops, this.#table.columns, p, this.schema.maxBytes ?? {});
      sets = plan ? [plan.set] : [];
      if (plan) guardCheck.push(plan.ok);
    } else {
      const replace = this.#replaceSets(cmd, cmd.change.value, p, guardCheck);
      if ('error' in replace) return this.#refuse(q, cmd, replace.error, phase);
      sets = replace.sets;
    }
    return this.#conditional(q, this.#sql.update(sets, guardCheck), key, p, cmd, phase);
  }

  /**
   * The SET list of a replace by `value`. Columns `fields` does not name may ride along only
   * unchanged: checked as if they were, and required unchanged in the statement itself
   * (pushed on `guardCheck`; else explainFailure says unknown_field).
   */
  #replaceSets(
    cmd: WriteCommand,
    value: Row,
    p: PgParams,
    guardCheck: string[],
  ): { sets: string[] } | { error: Error } {
    const listed = this.schema.fields ?? [];
    const foreign = Object.keys(value).filter(
      (k) => !listed.includes(k) && value[k] !== null && this.#table.columns.has(k),
    );
    const checked = checkChange(this.schema, cmd, Object.fromEntries(foreign.map((k) => [k, value[k]])));
    if ('error' in checked) return checked;
    // A value the column cannot hold is not what it holds: explained against the row.
    const misfit = foreign.some((k) => {
      const column = this.#table.columns.get(k) as PgColumn;
      return !column.json && fieldTypeProblem(column.fieldType, value[k]) !== undefined;
    });
    if (misfit)
      return {
        error: new InvalidChangeError('A field outside `fields` can only ride along unchanged', {
          reason: 'unknown_field',
        }),
      };
    for (const k of foreign) guardCheck.push(`t.${ident(k)} IS NOT DISTINCT FROM ${this.#sql.encode(k, value[k], p)}`);
    // Only the listed columns are written: the others keep what they hold.
    const sets = listed
      .filter((c) => !this.schema.keyFields.includes(c))
      .map((c) => `${ident(c)} = ${this.#sql.encode(c, value[c], p)}`);
    return { sets };
  }

  async #delete(q: PgQueryable, key: Key, expect: Expect, phase: PgPhase): Promise<Snapshot<T>> {
    if (expect.absent) {
      const reason = (await this.#read(q, key, phase === 'write' ? 'read' : phase)) ? 'exists' : 'gone';
      throw new ConflictError('A delete cannot expect the record to be absent', { reason, key });
    }
    const p = new PgParams();
    const where = this.#sql.keyWhere(key, p);
    const del = this.#sql.delete(where, expect, p);
    return this.#conditional(q, del, where, p, { key, change: { ops: [] }, expect }, phase);
  }

  async #read(q: PgQueryable, key: Key, phase: PgPhase, lock = ''): Promise<Snapshot<T> | undefined> {
    const p = new PgParams();
    const sql = this.#sql.select(key, p, lock);
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
    const sql = this.#sql.lockAll(keys, p);
    await txn.locking(() => this.#q(txn.queryable, sql, p.values, 'in-transaction'));
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#read(this.#pool, key, 'read');
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return runPgAutocommit(this.#pool, (q) => this.#write(q, cmd, 'write'));
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return runPgAutocommit(this.#pool, (q) => this.#delete(q, key, expect, 'write'));
  }

  transact<R>(fn: (session: TxSession<T>) => Promise<R>, options: TransactOptions): Promise<R> {
    const level = options.isolation ? PG_ISOLATION[options.isolation] : undefined;
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
