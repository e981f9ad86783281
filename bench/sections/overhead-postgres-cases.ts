import { collection, inc } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import { substitute } from '../trace/substitute.js';
import { type TracedQuery, tracePool } from '../trace/trace-pool.js';
import { preparedQuery } from '../writers/prepared-query.js';
import { CAPTURE_KEY, mustHaveWritten, type OverheadCases } from './overhead-case.js';

/**
 * The PostgreSQL overhead cases on one connection: `apply(inc)` and `update(fn)`, each
 * against the hand-written statements and against noclobber's own traced SQL replayed on
 * the raw `pg` pool.
 * @example
 * ```ts
 * const { cases, close } = await postgresOverheadCases(url, 2000);
 * ```
 */
export async function postgresOverheadCases(url: string, rows: number): Promise<OverheadCases> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  await pool.query('DROP TABLE IF EXISTS bench_rows');
  await pool.query(
    'CREATE TABLE bench_rows (id text PRIMARY KEY, version integer NOT NULL, n double precision NOT NULL)',
  );
  await pool.query(`INSERT INTO bench_rows SELECT 'r' || i, 1, 0 FROM generate_series(0, ${rows - 1}) i`);
  await pool.query(`INSERT INTO bench_rows VALUES ('${CAPTURE_KEY}', 5, 1000)`);
  const trace: TracedQuery[] = [];
  const traced = collection(await PostgresStore.open(tracePool(pool, trace), { table: 'bench_rows', key: 'id' }));
  trace.length = 0;
  await traced.apply(CAPTURE_KEY, [inc('n', 1)]);
  const [applySql] = trace.splice(0) as [TracedQuery];
  await pool.query(`UPDATE bench_rows SET n = 1000, version = 5 WHERE id = '${CAPTURE_KEY}'`);
  await traced.update(CAPTURE_KEY, (v) => ({ ...v, n: (v.n as number) + 1 }));
  const [readSql, writeSql] = trace.splice(0) as [TracedQuery, TracedQuery];
  const docs = collection(await PostgresStore.open(pool, { table: 'bench_rows', key: 'id' }));
  const id = (i: number) => `r${i}`;
  const bind = (q: TracedQuery, map: ReadonlyMap<unknown, unknown>) =>
    preparedQuery(pool, q.sql, substitute(q.values, map) as unknown[]);
  return {
    cases: [
      {
        db: 'postgres',
        call: 'apply',
        raw: '`UPDATE … SET n = n + 1, version = version + 1 WHERE id = $1 RETURNING *`',
        variants: {
          raw: async (i) =>
            mustHaveWritten(
              (
                await preparedQuery(
                  pool,
                  'UPDATE bench_rows SET n = n + 1, version = version + 1 WHERE id = $1 RETURNING *',
                  [id(i)],
                )
              ).rowCount,
              'raw apply',
            ),
          same: async (i) =>
            mustHaveWritten((await bind(applySql, new Map([[CAPTURE_KEY, id(i)]]))).rows[0]?.__nc_w, 'replayed apply'),
          noclobber: (i) => docs.apply(id(i), [inc('n', 1)]),
        },
      },
      {
        db: 'postgres',
        call: 'update',
        raw: '`SELECT *`, then `UPDATE … SET n = $2, version = version + 1 WHERE id = $1 AND version = $3 RETURNING *`',
        variants: {
          raw: async (i) => {
            const r = (await preparedQuery(pool, 'SELECT * FROM bench_rows WHERE id = $1', [id(i)])).rows[0];
            const w = await preparedQuery(
              pool,
              'UPDATE bench_rows SET n = $2, version = version + 1 WHERE id = $1 AND version = $3 RETURNING *',
              [id(i), r.n + 1, r.version],
            );
            mustHaveWritten(w.rowCount, 'raw update');
          },
          same: async (i) => {
            const r = (await bind(readSql, new Map([[CAPTURE_KEY, id(i)]]))).rows[0];
            const map = new Map<unknown, unknown>([
              [CAPTURE_KEY, id(i)],
              ['5', r.__nc_v],
              [1001, r.n + 1],
            ]);
            mustHaveWritten((await bind(writeSql, map)).rows[0]?.__nc_w, 'replayed update');
          },
          noclobber: (i) => docs.update(id(i), (v) => ({ ...v, n: (v.n as number) + 1 })),
        },
      },
    ],
    close: () => pool.end(),
  };
}
