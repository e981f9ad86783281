import { collection, inc, set } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import { HOT_KEY, PG_HOT_TABLE } from '../writers/postgres-writer.js';
import { type TracedQuery, tracePool } from './trace-pool.js';

/** What noclobber sent for one hot-row write, per strategy. */
export interface HotRowTrace {
  /** `apply(key, [inc('n', 1)])`: one statement. */
  readonly apply: readonly TracedQuery[];
  /** `withLock` + `locked.apply([set('n', n + 1)])`, traced with n = 1000 and version 5. */
  readonly withLock: readonly TracedQuery[];
}

/**
 * Records exactly what noclobber sends for one hot-row `apply` and one `withLock` write
 * (the row is set to n = 1000, version 5 first, so that parameters can be recognised by
 * value when the statements are replayed).
 * @example
 * ```ts
 * const { apply } = await traceHotRow(url);
 * ```
 */
export async function traceHotRow(url: string): Promise<HotRowTrace> {
  const trace: TracedQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  try {
    const docs = collection(await PostgresStore.open(tracePool(pool, trace), { table: PG_HOT_TABLE, key: 'id' }));
    await pool.query(`UPDATE ${PG_HOT_TABLE} SET n = 1000, version = 5 WHERE id = $1`, [HOT_KEY]);
    trace.length = 0;
    await docs.apply(HOT_KEY, [inc('n', 1)]);
    const apply = trace.splice(0);
    await pool.query(`UPDATE ${PG_HOT_TABLE} SET n = 1000, version = 5 WHERE id = $1`, [HOT_KEY]);
    trace.length = 0;
    await docs.withLock(HOT_KEY, async (locked) => {
      await locked.apply([set('n', (locked.value?.n as number) + 1)]);
    });
    return { apply, withLock: trace.splice(0) };
  } finally {
    await pool.end();
  }
}
