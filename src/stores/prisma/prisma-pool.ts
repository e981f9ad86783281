import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { RerunTransactionError } from '../../core/errors/rerun-transaction-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import { mapPgError } from '../postgres/postgres-errors.js';
import type { PgPool, PgPoolClient, PgQueryConfig, PgResult } from '../postgres/postgres-store-config.js';
import { isTransactionClient, type PrismaClientInternals, type PrismaClientLike, type PrismaTransactionOptions } from './prisma-client.js';
import { toPgError } from './prisma-errors.js';

const ISOLATION: Readonly<Record<string, string>> = {
  'READ COMMITTED': 'ReadCommitted',
  'REPEATABLE READ': 'RepeatableRead',
  SERIALIZABLE: 'Serializable',
};

function isDecimal(v: object): v is { toFixed(): string } {
  return typeof (v as { toFixed?: unknown }).toFixed === 'function' && 'd' in v && 'e' in v && 's' in v;
}

/** A value as `pg` returns it: Prisma gives int8 as BigInt and numeric as Decimal, `pg` gives both as text. */
function asPg(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(asPg);
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && isDecimal(v)) return v.toFixed();
  return v;
}

function asPgRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = asPg(v);
  return out;
}

/**
 * What a failure of Prisma's raw API is for the store: the error `pg` would have raised —
 * or, in a transaction noclobber does not own (which PostgreSQL has now aborted), a
 * `RerunTransactionError` for any failure noclobber would have retried itself: retrying
 * the statement cannot succeed; the owner must re-run the transaction.
 */
function failure(e: unknown, inTransaction: boolean): unknown {
  const pgError = toPgError(e);
  if (!inTransaction) return pgError;
  const mapped = mapPgError(pgError, 'in-transaction');
  if (mapped instanceof TransientError || mapped instanceof CommitUnknownError)
    return new RerunTransactionError(`${mapped.message}; the enclosing transaction was aborted and must be re-run`, {
      reason: mapped instanceof TransientError ? mapped.reason : 'connection',
      cause: pgError,
    });
  return pgError;
}

/** Runs one statement through Prisma's raw API, with errors as `pg` would raise them. */
async function run(client: PrismaClientLike, inTransaction: boolean, text: string | PgQueryConfig, values?: unknown[]): Promise<PgResult> {
  const sql = typeof text === 'string' ? text : text.text;
  const args = (typeof text === 'string' ? values : (text.values ?? values)) ?? [];
  let rows: unknown;
  try {
    rows = await client.$queryRawUnsafe(sql, ...args);
  } catch (e) {
    throw failure(e, inTransaction);
  }
  const list = Array.isArray(rows) ? (rows as Record<string, unknown>[]).map(asPgRow) : [];
  return { rows: list, rowCount: null };
}

const ROLLBACK = Symbol('rollback');

/**
 * A `pg` client over one Prisma interactive transaction. noclobber's PostgreSQL store
 * drives a transaction with `BEGIN [ISOLATION LEVEL …]`, its statements, then `COMMIT` or
 * `ROLLBACK`; here `BEGIN` opens `$transaction(async (tx) => …)` (nested in a savepoint
 * when the client is itself a transaction client), statements run on `tx`, and `COMMIT` /
 * `ROLLBACK` settle the callback — so Prisma owns the connection and the commit.
 */
class PrismaTransactionClient implements PgPoolClient {
  readonly #client: PrismaClientLike;
  readonly #options: PrismaTransactionOptions;
  readonly #nested: boolean;
  #tx: PrismaClientLike | undefined;
  #settle: ((commit: boolean) => void) | undefined;
  #outcome: Promise<unknown> | undefined;

  constructor(client: PrismaClientLike, options: PrismaTransactionOptions) {
    this.#client = client;
    this.#options = options;
    this.#nested = isTransactionClient(client);
  }

  async #begin(level: string | undefined): Promise<PgResult> {
    const start = (this.#client as PrismaClientInternals).$transaction;
    if (!start) throw new TypeError('noclobber/prisma: this client has no $transaction');
    const options = this.#nested
      ? {}
      : { maxWait: this.#options.maxWait ?? 10_000, timeout: this.#options.timeout ?? 60_000, ...(level ? { isolationLevel: ISOLATION[level] } : {}) };
    const ready = new Promise<PrismaClientLike>((resolve, reject) => {
      const done = new Promise<void>((commit, rollback) => {
        this.#settle = (ok) => (ok ? commit() : rollback(ROLLBACK));
      });
      this.#outcome = start.call(
        this.#client,
        async (tx) => {
          resolve(tx);
          await done;
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
    return { rows: [], rowCount: null };
  }

  async #end(commit: boolean): Promise<PgResult> {
    const outcome = this.#outcome;
    this.#settle?.(commit);
    this.#finish();
    try {
      await outcome;
    } catch (e) {
      if (e !== ROLLBACK) throw failure(e, this.#nested);
    }
    return { rows: [], rowCount: null };
  }

  #finish(): void {
    this.#tx = undefined;
    this.#settle = undefined;
    this.#outcome = undefined;
  }

  query(text: string | PgQueryConfig, values?: unknown[]): Promise<PgResult> {
    const sql = (typeof text === 'string' ? text : text.text).trim();
    const begin = /^BEGIN(?: ISOLATION LEVEL (READ COMMITTED|REPEATABLE READ|SERIALIZABLE))?$/i.exec(sql);
    if (begin && !this.#outcome) return this.#begin(begin[1]?.toUpperCase());
    if (/^COMMIT$/i.test(sql) && this.#outcome) return this.#end(true);
    if (/^ROLLBACK$/i.test(sql) && this.#outcome) return this.#end(false);
    if (!this.#tx) return Promise.reject(new TypeError(`noclobber/prisma: a statement outside BEGIN … COMMIT on a transaction client: ${sql.slice(0, 40)}`));
    return run(this.#tx, this.#nested, text, values);
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

/**
 * A `pg`-shaped pool over a Prisma client, so the PostgreSQL store's statements — the same
 * SQL, the same error mapping — run through `$queryRawUnsafe`. Transactions and row locks
 * run in Prisma interactive transactions. On the transaction client `tx` every statement
 * is part of the caller's transaction; a failure that aborts it is a
 * `RerunTransactionError`, since only the caller can re-run it. Rows come back as `pg`
 * returns them (int8 and numeric as text).
 * @example
 * ```ts
 * const store = await PostgresStore.open(prismaPool(prisma), { table: 'products', key: 'id' });
 * ```
 */
export function prismaPool(client: PrismaClientLike, options: PrismaTransactionOptions = {}): PgPool {
  const inTransaction = isTransactionClient(client);
  return {
    query: ((text: string | PgQueryConfig, values?: unknown[]) => run(client, inTransaction, text, values)) as PgPool['query'],
    connect: async () => new PrismaTransactionClient(client, options),
  };
}
