import { mapPgError, type PgPhase } from './postgres-errors.js';
import { preparedName } from './postgres-prepared.js';
import type { PgPoolClient, PgResult } from './postgres-store-config.js';

/** Anything that runs a statement: a pool or a checked-out client. */
export type PgQueryable = Pick<PgPoolClient, 'query'>;

/**
 * Runs one statement as the PostgreSQL store does: prepared under a process-wide name from
 * its second sighting (unless `prepare` is false), driver errors mapped for `phase`.
 * @example
 * ```ts
 * const { rows } = await pgQuery(pool, 'SELECT 1 AS one', [], 'read');
 * ```
 */
export async function pgQuery(
  q: PgQueryable,
  sql: string,
  values: unknown[],
  phase: PgPhase,
  prepare = true,
): Promise<PgResult> {
  const name = prepare && values.length > 0 ? preparedName(sql) : undefined;
  try {
    return await (name ? q.query({ name, text: sql, values }) : q.query(sql, values));
  } catch (e) {
    throw mapPgError(e, phase);
  }
}
