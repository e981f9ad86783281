import { type Collection, collection, type Row } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import type { BenchProgress } from '../lib/bench-progress.js';
import { measureQuietly } from '../lib/measure-quietly.js';
import { seedMathRandom } from '../lib/seeded-random.js';
import { summarizeRuns } from '../lib/summarize-runs.js';
import { traceHotRow } from '../trace/trace-hot-row.js';
import type { TracedQuery } from '../trace/trace-pool.js';
import { NOCLOBBER_STRATEGIES, PG_HOT_ROW_STRATEGIES, type PgHotRowStrategy } from '../writers/hot-row-strategies.js';
import { HOT_KEY, PG_HOT_DDL, PG_HOT_TABLE, postgresWriter } from '../writers/postgres-writer.js';
import type { HotRowCell } from './hot-row-cell.js';
import { type PgbenchCell, pgbenchCeiling } from './pgbench-ceiling.js';
import { type CellRun, runHotRowCell } from './run-hot-row-cell.js';

/** Sizes of the hot-row runs. */
export interface HotRowConfig {
  readonly writers: readonly number[];
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly reps: number;
  readonly seed: number;
}

/** The hot-row section on PostgreSQL: noclobber and hand-written strategies, and pgbench's ceiling. */
export interface HotRowPostgresResult {
  readonly cells: HotRowCell[];
  readonly pgbench: PgbenchCell[];
}

/** Steps the progress bar counts for this section. */
export function hotRowPostgresSteps(c: HotRowConfig & { readonly pgbenchScripts: 'all' | 'same' }): number {
  return (
    PG_HOT_ROW_STRATEGIES.length * (1 + c.writers.length * c.reps) +
    c.writers.length * c.reps * (c.pgbenchScripts === 'all' ? 4 : 2)
  );
}

/**
 * 1…64 writers, each on its own connection, adding 1 to ONE row of PostgreSQL for a fixed
 * time per repetition, strategy by strategy (the order rotates between repetitions so
 * drift does not favour one). Then pgbench runs the same statements at the same client
 * counts. Every noclobber cell is checked: nothing lost, nothing applied twice.
 * @example
 * ```ts
 * const { cells, pgbench } = await hotRowPostgres(url, config, progress);
 * ```
 */
export async function hotRowPostgres(
  url: string,
  config: HotRowConfig & { readonly pgbenchSeconds: number; readonly pgbenchScripts: 'all' | 'same' },
  progress: BenchProgress,
): Promise<HotRowPostgresResult> {
  const max = Math.max(...config.writers);
  const pools = Array.from({ length: max }, () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    return pool;
  });
  const admin = pools[0] as pg.Pool;
  await admin.query(PG_HOT_DDL);
  await admin.query(`INSERT INTO ${PG_HOT_TABLE} VALUES ($1, 1, 0) ON CONFLICT (id) DO NOTHING`, [HOT_KEY]);
  const docs: Collection<Row>[] = [];
  for (const pool of pools) docs.push(collection(await PostgresStore.open(pool, { table: PG_HOT_TABLE, key: 'id' })));
  const reset = async () =>
    void (await admin.query(`UPDATE ${PG_HOT_TABLE} SET n = 0, version = 1 WHERE id = $1`, [HOT_KEY]));
  const counter = async () =>
    (await admin.query(`SELECT n FROM ${PG_HOT_TABLE} WHERE id = $1`, [HOT_KEY])).rows[0].n as number;
  const trace = await traceHotRow(url);
  const applySql = trace.apply[0] as TracedQuery;
  const writersFor = (strategy: PgHotRowStrategy, n: number) =>
    pools.slice(0, n).map((pool, i) => postgresWriter(strategy, pool, docs[i] as Collection<Row>, applySql));

  const cells: HotRowCell[] = [];
  try {
    for (const strategy of PG_HOT_ROW_STRATEGIES) {
      progress.step(`hot row · postgres · warm-up · ${strategy}`);
      await runHotRowCell({ writers: writersFor(strategy, max), durationMs: config.warmupMs, reset, counter });
    }
    for (const writers of config.writers) {
      const runs = new Map<PgHotRowStrategy, CellRun[]>(PG_HOT_ROW_STRATEGIES.map((s) => [s, []]));
      const discarded = new Map<PgHotRowStrategy, CellRun[]>(PG_HOT_ROW_STRATEGIES.map((s) => [s, []]));
      for (let rep = 0; rep < config.reps; rep++) {
        const order = rotate(PG_HOT_ROW_STRATEGIES, rep);
        for (const strategy of order) {
          progress.step(`hot row · postgres · ${writers} writers · ${strategy} · rep ${rep + 1}`);
          seedMathRandom(config.seed + rep);
          const m = await measureQuietly(
            () =>
              runHotRowCell({ writers: writersFor(strategy, writers), durationMs: config.durationMs, reset, counter }),
            (r) => r.otherCpuPct,
          );
          runs.get(strategy)?.push(m.kept);
          discarded.get(strategy)?.push(...m.discarded);
        }
      }
      for (const strategy of PG_HOT_ROW_STRATEGIES) {
        const r = summarizeRuns(runs.get(strategy) ?? [], discarded.get(strategy) ?? []);
        cells.push({ db: 'postgres', strategy, writers, noclobber: NOCLOBBER_STRATEGIES.has(strategy), ...r });
      }
    }
    const pgbench = await pgbenchCeiling(url, trace, { ...config, reset, counter }, progress);
    return { cells, pgbench };
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}

function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = by % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}
