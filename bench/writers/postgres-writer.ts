import type { Collection, Row } from 'noclobber';
import type pg from 'pg';
import type { WriteOnce } from '../sections/run-hot-row-cell.js';
import type { TracedQuery } from '../trace/trace-pool.js';
import { type PgHotRowStrategy, RAW_APPLY_SQL } from './hot-row-strategies.js';
import { noclobberWriter } from './noclobber-writer.js';
import { optimisticLoop } from './optimistic-loop.js';
import { preparedQuery } from './prepared-query.js';

/** The hot-row table on PostgreSQL. */
export const PG_HOT_TABLE = 'hot_rows';
/** Its DDL. */
export const PG_HOT_DDL = `CREATE TABLE IF NOT EXISTS ${PG_HOT_TABLE} (id text PRIMARY KEY, version integer NOT NULL, n double precision NOT NULL)`;
/** The one hot row. */
export const HOT_KEY = 'row-0';

/**
 * One PostgreSQL writer of the hot-row benchmark: `pool` is its own single connection,
 * `docs` a noclobber collection over that same pool, `applySql` the statement noclobber
 * sends for `apply` (traced; its parameters are the same for every write).
 * @example
 * ```ts
 * const write = postgresWriter('update', pool, docs, trace.apply[0]);
 * const attempts = await write();
 * ```
 */
export function postgresWriter(
  strategy: PgHotRowStrategy,
  pool: pg.Pool,
  docs: Collection<Row>,
  applySql: TracedQuery,
): WriteOnce {
  switch (strategy) {
    case 'naive':
      return async () => {
        const { rows } = await preparedQuery(pool, `SELECT n FROM ${PG_HOT_TABLE} WHERE id = $1`, [HOT_KEY]);
        await preparedQuery(pool, `UPDATE ${PG_HOT_TABLE} SET n = $2, version = version + 1 WHERE id = $1`, [
          HOT_KEY,
          (rows[0].n as number) + 1,
        ]);
        return 1;
      };
    case 'hand-written':
      return () =>
        optimisticLoop(async () => {
          const { rows } = await preparedQuery(pool, `SELECT n, version FROM ${PG_HOT_TABLE} WHERE id = $1`, [HOT_KEY]);
          const r = rows[0] as { n: number; version: number };
          const res = await preparedQuery(
            pool,
            `UPDATE ${PG_HOT_TABLE} SET n = $2, version = version + 1 WHERE id = $1 AND version = $3`,
            [HOT_KEY, r.n + 1, r.version],
          );
          return res.rowCount === 1;
        });
    case 'update':
    case 'withLock':
    case 'apply':
      return noclobberWriter(strategy, docs, HOT_KEY);
    case RAW_APPLY_SQL:
      return async () => {
        const { rows } = await preparedQuery(pool, applySql.sql, [...applySql.values]);
        if (rows[0]?.__nc_w !== true) throw new Error('the replayed apply statement wrote nothing');
        return 1;
      };
  }
}
