import type { PgPoolClient, PgQueryConfig, PgResult } from '../postgres/postgres-store-config.js';
import {
  isTransactionClient,
  type PrismaClientInternals,
  type PrismaClientLike,
  type PrismaTransactionOptions,
} from './prisma-client.js';
import { failure, runStatement } from './prisma-statement.js';

const ISOLATION: Readonly<Record<string, string>> = {
  'READ COMMITTED': 'ReadCommitted',
  'REPEATABLE READ': 'RepeatableRead',
  SERIALIZABLE: 'Serializable',
};

/** The PostgreSQL store's BEGIN: an isolation, and the transaction's lock wait sent with it (`BEGIN …; SET LOCAL lock_timeout = …`). */
const BEGIN =
  /^BEGIN(?: ISOLATION LEVEL (READ COMMITTED|REPEATABLE READ|SERIALIZABLE))?(?:\s*;\s*(SET LOCAL lock_timeout = \S+))?$/i;
const LOCK_WAIT = /^SET LOCAL lock_timeout = /i;
const ROLLBACK = Symbol('rollback');
const done = (command: string): PgResult => ({ rows: [], rowCount: null, command });

/**
 * A `pg` client over a Prisma client, as the PostgreSQL store uses a pooled client. A
 * statement outside a transaction runs on its own (autocommit, like a `pg` client's);
 * `BEGIN [ISOLATION LEVEL …]` opens `$transaction(async (tx) => …)` — nested in a savepoint
 * when the client is itself a transaction client —, statements run on `tx`, and `COMMIT` /
 * `ROLLBACK` settle the callback, so Prisma owns the connection and the commit.
 *
 * Two things `pg` gets from PostgreSQL are kept by hand, because Prisma does not pass them on:
 * - a COMMIT after a failed statement is answered with the command tag `ROLLBACK` (PostgreSQL
 *   aborted the transaction at that statement; the store reports it, never a silent success);
 * - in a savepoint of the caller's transaction, the lock wait noclobber sets (`SET LOCAL
 *   lock_timeout`) is put back to the caller's when the savepoint is released: a setting of
 *   a transaction noclobber does not own must not outlive noclobber's part of it.
 */
export class PrismaTransactionClient implements PgPoolClient {
  readonly #client: PrismaClientLike;
  readonly #options: PrismaTransactionOptions;
  readonly #nested: boolean;
  #tx: PrismaClientLike | undefined;
  #settle: ((commit: boolean) => void) | undefined;
  #outcome: Promise<unknown> | undefined;
  /** A statement of the open transaction failed: PostgreSQL has aborted it. */
  #failed = false;
  /** Nested: the caller's `lock_timeout`, saved before noclobber first changed it. */
  #callerLockWait: string | undefined;

  constructor(client: PrismaClientLike, options: PrismaTransactionOptions) {
    this.#client = client;
    this.#options = options;
    this.#nested = isTransactionClient(client);
  }

  async #begin(level: string | undefined, lockWait: string | undefined): Promise<PgResult> {
    const start = (this.#client as PrismaClientInternals).$transaction;
    if (!start) throw new TypeError('noclobber/prisma: this client has no $transaction');
    const options = this.#nested
      ? {}
      : {
          maxWait: this.#options.maxWait ?? 10_000,
          timeout: this.#options.timeout ?? 60_000,
          ...(level ? { isolationLevel: ISOLATION[level] } : {}),
        };
    const ready = new Promise<PrismaClientLike>((resolve, reject) => {
      const settled = new Promise<void>((commit, rollback) => {
        this.#settle = (ok) => (ok ? commit() : rollback(ROLLBACK));
      });
      this.#outcome = start.call(
        this.#client,
        async (tx) => {
          resolve(tx);
          await settled;
        },
        options,
      );
      // Failing to start (maxWait, a refused connection) rejects the transaction before its callback runs.
      this.#outcome.catch(reject);
    });
    try {
      this.#tx = await ready;
    } catch (e) {
      this.#finish();
      throw failure(e, this.#nested);
    }
    if (lockWait) await this.#statement(lockWait);
    return done('BEGIN');
  }

  async #statement(text: string | PgQueryConfig, values?: unknown[]): Promise<PgResult> {
    const tx = this.#tx as PrismaClientLike;
    try {
      if (
        this.#nested &&
        this.#callerLockWait === undefined &&
        LOCK_WAIT.test(typeof text === 'string' ? text : text.text)
      )
        this.#callerLockWait = (await runStatement(tx, true, `SELECT current_setting('lock_timeout') AS v`)).rows[0]
          ?.v as string;
      return await runStatement(tx, this.#nested, text, values);
    } catch (e) {
      this.#failed = true;
      throw e;
    }
  }

  async #end(commit: boolean): Promise<PgResult> {
    if (commit && this.#failed) {
      await this.#end(false);
      return done('ROLLBACK');
    }
    if (commit && this.#callerLockWait !== undefined) {
      try {
        await runStatement(this.#tx as PrismaClientLike, true, `SELECT set_config('lock_timeout', $1, true)`, [
          this.#callerLockWait,
        ]);
      } catch (e) {
        await this.#end(false);
        throw e;
      }
    }
    const outcome = this.#outcome;
    this.#settle?.(commit);
    this.#finish();
    try {
      await outcome;
    } catch (e) {
      if (e !== ROLLBACK) throw failure(e, this.#nested);
    }
    return done(commit ? 'COMMIT' : 'ROLLBACK');
  }

  #finish(): void {
    this.#tx = undefined;
    this.#settle = undefined;
    this.#outcome = undefined;
    this.#failed = false;
    this.#callerLockWait = undefined;
  }

  query(text: string | PgQueryConfig, values?: unknown[]): Promise<PgResult> {
    const sql = (typeof text === 'string' ? text : text.text).trim();
    const begin = BEGIN.exec(sql);
    if (begin && !this.#outcome) return this.#begin(begin[1]?.toUpperCase(), begin[2]);
    if (/^COMMIT$/i.test(sql) && this.#outcome) return this.#end(true);
    if (/^ROLLBACK$/i.test(sql) && this.#outcome) return this.#end(false);
    // Outside a transaction a statement is autocommit, as on a `pg` client: the store checks a
    // client out for its autocommit writes so that a refused connection is known to have sent nothing.
    if (!this.#tx) return runStatement(this.#client, this.#nested, text, values);
    return this.#statement(text, values);
  }

  release(): void {
    // A client released mid-transaction (the store gave up on it) rolls the transaction back.
    if (this.#outcome) {
      this.#outcome.catch(() => {});
      this.#settle?.(false);
      this.#finish();
    }
  }
}
