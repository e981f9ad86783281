import { DatabaseError } from '../../core/errors/database-error.js';
import { breaksConnection, mapPgError } from './postgres-errors.js';
import type { PgPool, PgPoolClient, PgQueryConfig, PgResult } from './postgres-store-config.js';

/** What runs a statement: a pool, a checked-out client, or an open transaction. */
export type Queryable = Pick<PgPoolClient, 'query'>;

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
      client.release(broken ? (error instanceof Error ? error : new Error('noclobber/postgres: connection lost')) : undefined);
    },
  };
}

/** The isolation a transaction asked for, as SQL. */
export type PgIsolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

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
  #begun: Promise<void> | undefined;

  constructor(pool: PgPool, client: PgPoolClient, isolation: PgIsolation | undefined) {
    this.pool = pool;
    this.#client = client;
    this.#isolation = isolation;
  }

  get begun(): boolean {
    return this.#begun !== undefined;
  }

  /** Sends BEGIN once: at the asked isolation, else READ COMMITTED for a closure that locks first, else REPEATABLE READ. */
  begin(forLocking = false): Promise<void> {
    this.#begun ??= (async () => {
      const level = this.#isolation ?? (forLocking ? 'READ COMMITTED' : 'REPEATABLE READ');
      try {
        await this.#client.query(`BEGIN ISOLATION LEVEL ${level}`);
      } catch (e) {
        throw mapPgError(e, 'in-transaction');
      }
    })();
    return this.#begun;
  }

  /** Runs statements inside the transaction (beginning it first). */
  readonly queryable: Queryable = {
    query: (async (q: string | PgQueryConfig, values?: unknown[]) => {
      await this.begin();
      return typeof q === 'string' ? this.#client.query(q, values) : this.#client.query(q);
    }) as Queryable['query'],
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
      throw new DatabaseError('PostgreSQL rolled the transaction back at COMMIT: a statement in it had failed (25P02); nothing was written');
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

/**
 * Runs `fn` in one transaction on one checked-out client: COMMIT when it resolves, ROLLBACK
 * when it throws. A client that failed, or cannot roll back, is destroyed, never pooled again
 * (so no 25P02 leaks into the next request).
 * @example
 * ```ts
 * await runPgTransaction(pool, undefined, (txn) => txn.queryable.query('UPDATE …'));
 * ```
 */
export async function runPgTransaction<R>(pool: PgPool, isolation: PgIsolation | undefined, fn: (txn: PgTransaction) => Promise<R>): Promise<R> {
  const held = await checkout(pool);
  const txn = new PgTransaction(pool, held.client, isolation);
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
