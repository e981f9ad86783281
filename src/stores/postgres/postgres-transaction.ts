import { DatabaseError } from '../../core/errors/database-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import type { LockSession } from '../../core/store.js';
import type { Row } from '../../core/types.js';
import { breaksConnection, mapPgError } from './postgres-errors.js';
import type { PgQueryable } from './postgres-query.js';
import type { PgPool, PgPoolClient, PgQueryConfig, PgResult } from './postgres-store-config.js';

/** The SQL of each isolation level `transact` takes. */
export const PG_ISOLATION = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
} as const;

const DOMAINS = new WeakMap<PgPool, object>();

/**
 * Declares that transactions of `pool` live on `domain`, which other pools may share: the
 * pools `prismaPool` makes over one Prisma client are several objects but one connection
 * pool, so stores on any of them join each other's transactions (`tx.with`).
 * @example
 * ```ts
 * shareTransactions(pool, prismaClient);
 * ```
 */
export function shareTransactions(pool: PgPool, domain: object): void {
  DOMAINS.set(pool, domain);
}

/**
 * What transactions of `pool` live on (a store's `transactionDomain`): the pool itself,
 * unless {@link shareTransactions} named another domain.
 * @example
 * ```ts
 * transactionDomainOf(pool) === pool; // for a pg.Pool
 * ```
 */
export function transactionDomainOf(pool: PgPool): object {
  return DOMAINS.get(pool) ?? pool;
}

/** A client checked out of the pool, with what it takes to give it back. */
export interface Held {
  readonly client: PgPoolClient;
  /** Returns the client, or destroys it when `error` says its connection cannot be trusted. */
  release(error?: unknown): void;
}

/**
 * Checks a client out of the pool. A failure here sent nothing (phase `connect`): refused,
 * the server starting up (57P03), a closed pool, a timeout waiting for a client. While held,
 * the client's `error` events are listened to (the failure also arrives as the pending query's
 * rejection; an unheard event would crash the process).
 * @example
 * ```ts
 * const held = await checkout(pool);
 * try { await held.client.query('SELECT 1'); held.release(); } catch (e) { held.release(e); throw e; }
 * ```
 */
export async function checkout(pool: PgPool): Promise<Held> {
  let client: PgPoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw mapPgError(e, 'connect');
  }
  let dead = false;
  const onError = () => {
    dead = true;
  };
  client.on?.('error', onError);
  let released = false;
  return {
    client,
    release(error?: unknown) {
      if (released) return;
      released = true;
      client.off?.('error', onError);
      const broken = dead || (error !== undefined && breaksConnection(error));
      client.release(
        broken ? (error instanceof Error ? error : new Error('noclobber/postgres: connection lost')) : undefined,
      );
    },
  };
}

/** The isolation a transaction asked for, as SQL. */
export type PgIsolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * How long an optimistic (REPEATABLE READ) attempt waits for a row lock before it gives the
 * attempt up as contention. At REPEATABLE READ such a wait rarely ends well: if the holder
 * commits a change to the row, the waiter fails to serialize (40001) anyway, and two writers
 * waiting on each other only learn it after `deadlock_timeout` (1 s by default). Failing fast
 * lets the core back off and, after a few, retry with the rows locked in key order.
 */
export const OPTIMISTIC_LOCK_WAIT_MS = 50;

/**
 * A lock wait as `lock_timeout` takes it — the one number sent as statement text (with
 * BEGIN, where no parameter can be bound): whole milliseconds, at least 1 and at most
 * 2^31 − 1; no limit (Infinity) is `0`, PostgreSQL's "wait as long as it takes".
 * @example
 * ```ts
 * pgLockWait(2500.7); // '2500ms'
 * pgLockWait(Number.POSITIVE_INFINITY); // '0'
 * ```
 */
export function pgLockWait(ms: number): string {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0)
    throw new TypeError(`noclobber/postgres: lockTimeoutMs must be a number ≥ 0, not ${String(ms)}`);
  if (ms === Number.POSITIVE_INFINITY) return '0';
  return `${Math.min(2 ** 31 - 1, Math.max(1, Math.floor(ms)))}ms`;
}

/**
 * One PostgreSQL transaction on one pooled client. BEGIN is sent lazily, with the first
 * statement, so a closure that starts by locking its rows (`lockAll`) can begin at READ
 * COMMITTED — at REPEATABLE READ the snapshot would be taken before the lock wait, and a row
 * changed by the holder would fail to serialize (40001) instead of being read as it now is.
 * Stores on the same pool join it (`joinTransaction`): their statements run on this client.
 */
export class PgTransaction {
  readonly pool: PgPool;
  readonly #client: PgPoolClient;
  readonly #isolation: PgIsolation | undefined;
  readonly #lockWaitMs: number | undefined;
  #begun: Promise<void> | undefined;
  #optimistic = false;
  #waitingLong = false;

  /** `lockWaitMs`: how long a transaction that locks first waits for its locks (absent: as the server says). */
  constructor(pool: PgPool, client: PgPoolClient, isolation: PgIsolation | undefined, lockWaitMs?: number) {
    this.pool = pool;
    this.#client = client;
    this.#isolation = isolation;
    this.#lockWaitMs = lockWaitMs;
  }

  get begun(): boolean {
    return this.#begun !== undefined;
  }

  /**
   * Sends BEGIN once: at the asked isolation, else READ COMMITTED for a closure that locks
   * first, else REPEATABLE READ. An attempt that does not lock first is optimistic: at
   * REPEATABLE READ or SERIALIZABLE its row-lock waits are short ({@link OPTIMISTIC_LOCK_WAIT_MS}).
   */
  begin(forLocking = false): Promise<void> {
    this.#begun ??= (async () => {
      const level = this.#isolation ?? (forLocking ? 'READ COMMITTED' : 'REPEATABLE READ');
      this.#optimistic = !forLocking && level !== 'READ COMMITTED';
      const wait = this.#optimistic ? `'${OPTIMISTIC_LOCK_WAIT_MS}ms'` : forLocking ? this.#longWait() : undefined;
      // One round trip: BEGIN and the transaction's lock wait, as one simple query.
      await this.#send(
        `BEGIN ISOLATION LEVEL ${level}${wait === undefined ? '' : `; SET LOCAL lock_timeout = ${wait}`}`,
      );
      this.#waitingLong = forLocking;
    })();
    return this.#begun;
  }

  #longWait(): string {
    return this.#lockWaitMs === undefined ? 'DEFAULT' : `'${pgLockWait(this.#lockWaitMs)}'`;
  }

  async #send(sql: string): Promise<void> {
    try {
      await this.#client.query(sql);
    } catch (e) {
      throw mapPgError(e, 'in-transaction');
    }
  }

  /**
   * Runs a statement that takes row locks in key order, waiting for them as long as the
   * transaction allows (`lockTimeoutMs`; a timeout is `LockTimeoutError`). Afterwards the
   * transaction is optimistic for every row it did not lock: a wait on one of those is given up
   * fast as contention — the core then retries with that row in its lock plan — instead of
   * deadlocking with a writer that locked it first.
   */
  async locking<R>(take: () => Promise<R>): Promise<R> {
    await this.begin(true);
    if (!this.#waitingLong) await this.#send(`SET LOCAL lock_timeout = ${this.#longWait()}`);
    this.#waitingLong = true;
    this.#optimistic = false;
    const result = await take();
    await this.#send(`SET LOCAL lock_timeout = '${OPTIMISTIC_LOCK_WAIT_MS}ms'`);
    this.#waitingLong = false;
    this.#optimistic = true;
    return result;
  }

  /** Runs statements inside the transaction (beginning it first). */
  readonly queryable: PgQueryable = {
    query: (async (q: string | PgQueryConfig, values?: unknown[]) => {
      await this.begin();
      try {
        return await (typeof q === 'string' ? this.#client.query(q, values) : this.#client.query(q));
      } catch (e) {
        // An optimistic statement that met another writer's row lock: contention, retried like a
        // serialization failure (which that wait would most likely have ended in, or a deadlock).
        if (this.#optimistic && (e as { code?: unknown })?.code === '55P03')
          throw new TransientError('A row is held by another writer; the optimistic attempt gave way', {
            reason: 'serialization',
            cause: e,
          });
        throw e;
      }
    }) as PgQueryable['query'],
  };

  /**
   * COMMIT. A lost connection here is `CommitUnknownError`; an error answer means it rolled
   * back; and a COMMIT that PostgreSQL answers with ROLLBACK (the transaction had already
   * failed, its error caught by the closure) is a `DatabaseError`, never a silent success.
   */
  async commit(): Promise<void> {
    if (!this.#begun) return;
    await this.#begun;
    let result: PgResult;
    try {
      result = await this.#client.query('COMMIT');
    } catch (e) {
      throw mapPgError(e, 'commit');
    }
    if (result.command === 'ROLLBACK')
      throw new DatabaseError(
        'PostgreSQL rolled the transaction back at COMMIT: a statement in it had failed (25P02); nothing was written',
      );
  }

  /** Rolls back; false when the connection cannot even do that (it must then be destroyed). */
  async rollback(): Promise<boolean> {
    if (!this.#begun) return true;
    try {
      await this.#begun;
      await this.#client.query('ROLLBACK');
      return true;
    } catch {
      return false;
    }
  }
}

/** A lock session of the PostgreSQL store: the lock is a transaction, which stores built on it (aggregates) run their own statements in. */
export interface PgLockSession<T extends object = Row> extends LockSession<T> {
  readonly transaction: PgTransaction;
}

/**
 * Runs `fn` in one transaction on one checked-out client: COMMIT when it resolves, ROLLBACK
 * when it throws. A client that failed, or cannot roll back, is destroyed, never pooled again
 * (so no 25P02 leaks into the next request).
 * @example
 * ```ts
 * await runPgTransaction(pool, undefined, (txn) => txn.queryable.query('UPDATE …'));
 * ```
 */
export async function runPgTransaction<R>(
  pool: PgPool,
  isolation: PgIsolation | undefined,
  fn: (txn: PgTransaction) => Promise<R>,
  lockWaitMs?: number,
): Promise<R> {
  if (lockWaitMs !== undefined) pgLockWait(lockWaitMs); // refused before a client is taken
  const held = await checkout(pool);
  const txn = new PgTransaction(pool, held.client, isolation, lockWaitMs);
  try {
    const result = await fn(txn);
    await txn.commit();
    held.release();
    return result;
  } catch (e) {
    const rolledBack = !breaksConnection(e) && (await txn.rollback());
    held.release(rolledBack ? undefined : (e ?? new Error('noclobber/postgres: transaction failed')));
    throw e;
  }
}

/**
 * Runs one autocommit statement (or a few) on its own checked-out client, so a failure to
 * connect (nothing sent) is told from a write in flight; a failed client is not pooled again.
 * @example
 * ```ts
 * await runPgAutocommit(pool, (q) => q.query('UPDATE …'));
 * ```
 */
export async function runPgAutocommit<R>(pool: PgPool, fn: (q: PgPoolClient) => Promise<R>): Promise<R> {
  const held = await checkout(pool);
  try {
    const result = await fn(held.client);
    held.release();
    return result;
  } catch (e) {
    held.release(e);
    throw e;
  }
}
