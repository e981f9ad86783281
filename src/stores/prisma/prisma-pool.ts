import type { PgPool, PgQueryConfig } from '../postgres/postgres-store-config.js';
import { shareTransactions } from '../postgres/postgres-transaction.js';
import { isTransactionClient, type PrismaClientLike, type PrismaTransactionOptions } from './prisma-client.js';
import { runStatement } from './prisma-statement.js';
import { PrismaTransactionClient } from './prisma-transaction-client.js';

/**
 * A `pg`-shaped pool over a Prisma client, so the PostgreSQL store's statements — the same
 * SQL, the same error mapping — run through `$queryRawUnsafe`. Transactions and row locks
 * run in Prisma interactive transactions; stores on pools of the same client join each
 * other's (`tx.with`). On the transaction client `tx` every statement
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
  const pool: PgPool = {
    query: ((text: string | PgQueryConfig, values?: unknown[]) =>
      runStatement(client, inTransaction, text, values)) as PgPool['query'],
    connect: async () => new PrismaTransactionClient(client, options),
  };
  // Every pool over this client hands out its connections: stores on any of them share transactions (`tx.with`).
  shareTransactions(pool, client);
  return pool;
}
