import { CommitUnknownError } from '../../core/errors/commit-unknown-error.js';
import { RerunTransactionError } from '../../core/errors/rerun-transaction-error.js';
import { TransientError } from '../../core/errors/transient-error.js';
import { mapPgError } from '../postgres/postgres-errors.js';
import type { PgQueryConfig, PgResult } from '../postgres/postgres-store-config.js';
import type { PrismaClientLike } from './prisma-client.js';
import { toPgError } from './prisma-errors.js';

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
export function failure(e: unknown, inTransaction: boolean): unknown {
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

/**
 * Runs one statement through Prisma's raw API, with rows and errors as `pg` gives them
 * (`inTransaction`: the client is a transaction noclobber does not own, see {@link failure}).
 * @example
 * ```ts
 * const { rows } = await runStatement(prisma, false, 'SELECT 1 AS one');
 * ```
 */
export async function runStatement(
  client: PrismaClientLike,
  inTransaction: boolean,
  text: string | PgQueryConfig,
  values?: unknown[],
): Promise<PgResult> {
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
