import { ConflictError } from '../../core/errors/conflict-error.js';
import { LockBusyError } from '../../core/errors/lock-busy-error.js';
import { LockTimeoutError } from '../../core/errors/lock-timeout-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import type { Expect } from '../../core/expect.js';
import { checkCaps, checkChange, explainFailure } from '../../core/explain-failure.js';
import { keyFields } from '../../core/key.js';
import type { Mutex } from '../../core/mutex.js';
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
import type { Key, Row, Snapshot } from '../../core/types.js';
import { atomically, commit, isBusy, mapSqliteError } from './sqlite-errors.js';
import { gateFor } from './sqlite-gate.js';
import { planOps } from './sqlite-ops-sql.js';
import { SqliteRowSql } from './sqlite-row-sql.js';
import { ident, Params } from './sqlite-sql.js';
import type { SqliteDatabase, SqliteStatement, SqliteStoreConfig } from './sqlite-store-config.js';
import { inspectTable, type SqliteTable } from './sqlite-table.js';
import { sqliteTombstoneTriggerDdl } from './sqlite-tombstone-trigger.js';
import { afterTombstone, bury, openTombstones, type SqliteTombstones } from './sqlite-tombstones.js';

/**
 * A store over an existing SQLite table, on better-sqlite3. Every write is ONE
 * conditional statement (ops pushed down through SQLite's JSON functions, byte caps and
 * guards in its WHERE); when it matches nothing, the current row is read in the same
 * immediate transaction and the failure explained precisely. `transact` and `withLock`
 * use `BEGIN IMMEDIATE` (SQLite locks the whole database). A delete leaves a tombstone with
 * the record's last version (table `noclobber_tombstones`, created if missing), so a record
 * created again starts after it. Use WAL mode for files shared by several processes.
 *
 * @example
 * ```ts
 * const db = new Database('app.db');
 * db.pragma('journal_mode = WAL');
 * const docs = collection(new SqliteStore(db, { table: 'docs', key: 'id', json: ['data'] }));
 * ```
 */
export class SqliteStore<T extends object = Row> implements Store<T> {
  readonly kind = 'sqlite';
  readonly id?: string;
  readonly schema: StoreSchema;
  readonly capabilities: StoreCapabilities = { lock: 'database' };
  /** The database handle: a transaction lives on one connection, so stores on this handle can share it (`tx.with`). */
  readonly transactionDomain: SqliteDatabase;
  readonly #db: SqliteDatabase;
  readonly #table: SqliteTable;
  readonly #tombstones: SqliteTombstones;
  readonly #gate: Mutex;
  readonly #busyMs: number;
  readonly #statements = new Map<string, SqliteStatement>();
  readonly #sql: SqliteRowSql;

  constructor(db: SqliteDatabase, config: SqliteStoreConfig) {
    this.#db = db;
    this.transactionDomain = db;
    try {
      this.#table = inspectTable(db, config);
      this.#tombstones = openTombstones(db, this.#table.name, {
        table: config.tombstoneTable,
        create: config.createTombstoneTable,
      });
    } catch (e) {
      throw mapSqliteError(e);
    }
    this.schema = this.#table.schema;
    this.#sql = new SqliteRowSql(this.#table, this.schema);
    // Connections to one file share data; every ':memory:' database is its own.
    if (db.name && db.name !== ':memory:') this.id = `sqlite:${db.name}:${this.#table.quoted}`;
    this.#gate = gateFor(db);
    this.#busyMs = config.busyTimeoutMs ?? 5000;
    if (!Number.isFinite(this.#busyMs)) throw new TypeError('noclobber/sqlite: busyTimeoutMs must be a finite number');
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.#busyMs))}`);
    } catch (e) {
      throw mapSqliteError(e);
    }
  }

  /**
   * DDL of a trigger keeping a tombstone for a row deleted around the store (plain SQL, an ORM's delete, a
   * cascade), to run once and in order: `for (const s of store.tombstoneTriggerDdl()) db.exec(s)`.
   */
  tombstoneTriggerDdl(): readonly string[] {
    return sqliteTombstoneTriggerDdl(this.#table, this.#tombstones);
  }

  #prepare(sql: string): SqliteStatement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      if (this.#statements.size > 500) this.#statements.clear();
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  #snapshot(key: Key, row: Record<string, unknown> | undefined): Snapshot<T> | undefined {
    if (!row) return undefined;
    const value: Row = {};
    for (const [name, column] of this.#table.columns) {
      const raw = row[name];
      value[name] = column.json && typeof raw === 'string' ? JSON.parse(raw) : (raw ?? null);
    }
    return { key, version: String(row[this.schema.versionField]), value: value as T };
  }

  #read(key: Key): Snapshot<T> | undefined {
    const p = new Params();
    return this.#snapshot(key, this.#prepare(this.#sql.select(key, p)).get(p.values) as Row | undefined);
  }

  #failed(cmd: WriteCommand): never {
    const current = this.#read(cmd.key);
    const error = explainFailure(this.schema, cmd, current);
    if (error) throw error;
    throw new Error(
      `noclobber/sqlite: the write to ${this.#table.name} matched nothing, yet the current row explains no failure (please report this)`,
    );
  }

  #insert(cmd: WriteCommand): Snapshot<T> {
    const checked = checkChange(this.schema, cmd, undefined);
    // Inside the immediate transaction: an existing record still wins over a bad value.
    if ('error' in checked) return this.#failed(cmd);
    const row = checked.next;
    const p = new Params();
    const inserted = this.#prepare(this.#sql.insert(row, p)).get(p.values) as Row | undefined;
    if (!inserted) return this.#failed(cmd);
    // A key deleted before starts after its tombstone, never at a version it had.
    const created = afterTombstone(
      (q) => this.#prepare(q),
      this.#tombstones,
      this.#table.quoted,
      this.schema,
      inserted,
    );
    return this.#snapshot(cmd.key, created) as Snapshot<T>;
  }

  #update(cmd: WriteCommand): Snapshot<T> {
    const p = new Params();
    let sql: string;
    if ('ops' in cmd.change) {
      const keyWhere = this.#sql.keyWhere(cmd.key, p);
      const plan = planOps(cmd.change.ops, this.#table.columns, p, keyWhere, this.#table.quoted);
      const guardCheck = [this.#sql.conditions(cmd.key, cmd.expect, p), plan.ok].join(' AND ');
      sql = this.#sql.update(plan.sets, guardCheck, plan.with);
    } else {
      // A new value is checked whole in JavaScript, against the row when it carries columns
      // `fields` does not name (they must be unchanged; we hold the write lock, so the read is
      // exact); the explanation still puts gone / stale / guards first.
      const value = cmd.change.value;
      const listed = this.schema.fields ?? [];
      const foreign = Object.keys(value).some((k) => !listed.includes(k) && value[k] !== null);
      if ('error' in checkChange(this.schema, cmd, foreign ? (this.#read(cmd.key)?.value as Row | undefined) : {}))
        return this.#failed(cmd);
      // Only the listed columns are written: the others keep what they hold.
      const sets = listed
        .filter((c) => !this.schema.keyFields.includes(c))
        .map((c) => `${ident(c)} = ${p.add(this.#sql.encode(c, value[c]))}`);
      sql = this.#sql.update(sets, this.#sql.conditions(cmd.key, cmd.expect, p));
    }
    const written = this.#snapshot(cmd.key, this.#prepare(sql).get(p.values) as Row | undefined) ?? this.#failed(cmd);
    // Byte caps come last and are measured on the written value as JSON, exactly as
    // explainFailure measures it (SQLite's own text would say 6.0 for 6); throwing rolls the
    // statement back (atomically).
    const tooLarge = checkCaps(this.schema, written.value as Row);
    if (tooLarge) throw tooLarge;
    return written;
  }

  #writeNow(cmd: WriteCommand): Snapshot<T> {
    return atomically(this.#db, () => {
      // Inside the immediate transaction no other writer can move the row in between.
      const before = cmd.returnPrevious && !cmd.expect.absent ? this.#read(cmd.key) : undefined;
      const written = cmd.expect.absent ? this.#insert(cmd) : this.#update(cmd);
      return before ? { ...written, previous: { version: before.version, value: before.value } } : written;
    });
  }

  #deleteNow(key: Key, expect: Expect): Snapshot<T> {
    return atomically(this.#db, () => {
      if (expect.absent)
        throw new ConflictError('A delete cannot expect the record to be absent', {
          reason: this.#read(key) ? 'exists' : 'gone',
          key,
        });
      const p = new Params();
      const row = this.#prepare(this.#sql.delete(key, expect, p)).get(p.values) as Row | undefined;
      if (!row) return this.#failed({ key, change: { ops: [] }, expect });
      bury((q) => this.#prepare(q), this.#tombstones, this.schema.keyFields, row, this.schema.versionField);
      return this.#snapshot(key, row) as Snapshot<T>;
    });
  }

  #session(): StoreSession<T> {
    const run = async <R>(fn: () => R): Promise<R> => {
      try {
        return fn();
      } catch (e) {
        throw mapSqliteError(e);
      }
    };
    return {
      get: (key) => run(() => this.#read(key)),
      write: (cmd) => run(() => this.#writeNow(cmd)),
      delete: (key, expect) => run(() => this.#deleteNow(key, expect)),
    };
  }

  async #gated<R>(fn: () => Promise<R>): Promise<R> {
    const release = await this.#gate.acquire({ timeoutMs: this.#busyMs }).catch((e) => {
      throw new TransientError('Timed out waiting for this process’s other SQLite work', { reason: 'busy', cause: e });
    });
    try {
      return await fn();
    } finally {
      release();
    }
  }

  get(key: Key): Promise<Snapshot<T> | undefined> {
    return this.#gated(() => this.#session().get(key));
  }

  write(cmd: WriteCommand): Promise<Snapshot<T>> {
    return this.#gated(() => this.#session().write(cmd));
  }

  delete(key: Key, expect: Expect): Promise<Snapshot<T>> {
    return this.#gated(() => this.#session().delete(key, expect));
  }

  async #inTransaction<R>(fn: () => Promise<R>): Promise<R> {
    let result: R;
    try {
      result = await fn();
    } catch (e) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw mapSqliteError(e);
    }
    commit(this.#db);
    return result;
  }

  /**
   * One `BEGIN IMMEDIATE` transaction: SQLite locks the whole database for writing, so the
   * transaction excludes every other writer from its start (no deadlock, no `lockAll` needed).
   */
  transact<R>(fn: (session: TxSession<T>) => Promise<R>, _options: TransactOptions): Promise<R> {
    return this.#gated(async () => {
      try {
        this.#db.exec('BEGIN IMMEDIATE');
      } catch (e) {
        throw mapSqliteError(e);
      }
      return this.#inTransaction(() => fn({ ...this.#session(), transaction: this.#db }));
    });
  }

  /** A session of this store inside the transaction open on its database handle (`tx.with`). */
  joinTransaction(transaction: unknown): TxSession<T> {
    if (transaction !== this.#db || !this.#db.inTransaction)
      throw new TypeError('noclobber/sqlite: no transaction of this database handle to join');
    return { ...this.#session(), transaction };
  }

  async lock<R>(key: Key, fn: (session: LockSession<T>) => Promise<R>, options: LockOptions): Promise<R> {
    keyFields(this.schema, key);
    const started = Date.now();
    const release = await this.#gate.acquire({ timeoutMs: options.lockTimeoutMs, nowait: options.nowait });
    try {
      const remaining = options.nowait ? 0 : Math.max(0, options.lockTimeoutMs - (Date.now() - started));
      this.#db.exec(`PRAGMA busy_timeout = ${Math.floor(remaining)}`);
      try {
        this.#db.exec('BEGIN IMMEDIATE');
      } catch (e) {
        if (!isBusy(e)) throw mapSqliteError(e);
        throw options.nowait
          ? new LockBusyError('Another connection holds the database lock', { cause: e })
          : new LockTimeoutError(`Waited ${options.lockTimeoutMs} ms for the database lock`, { cause: e });
      } finally {
        this.#db.exec(`PRAGMA busy_timeout = ${Math.floor(this.#busyMs)}`);
      }
      return await this.#inTransaction(() => fn({ ...this.#session(), snapshot: this.#read(key) }));
    } finally {
      release();
    }
  }
}
