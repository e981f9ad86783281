import { collection, inc, set } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import pg from 'pg';
import type { BenchProgress } from './bench-progress.js';
import { pgbenchScript } from './pgbench-script.js';
import { HOT_KEY, PG_HOT_TABLE } from './postgres-writer.js';
import { type PgbenchRun, runPgbench } from './run-pgbench.js';
import { type Summary, summarize } from './summarize.js';
import { type TracedQuery, tracePool } from './trace-pool.js';

/** Which statements pgbench ran. */
export type PgbenchScriptName = 'apply: same SQL' | 'apply: minimal SQL' | 'withLock: same SQL' | 'withLock: minimal SQL';

/** pgbench at one client count, over every repetition. */
export interface PgbenchCell {
  readonly script: PgbenchScriptName;
  /** The noclobber strategy this is the ceiling of. */
  readonly strategy: 'apply' | 'withLock';
  readonly writers: number;
  readonly tps: Summary;
  readonly latencyMs: Summary;
  readonly transactions: number;
  /** Transactions pgbench reported that the counter does not show (must be 0). */
  readonly lost: number;
  /** The script itself, for the report. */
  readonly sql: string;
}

/**
 * Records exactly what noclobber sends for one `apply(inc)` and one `withLock` + write, and
 * turns each into a pgbench script ("same SQL"): the lock's `SELECT … FOR UPDATE` stores
 * the row with `\gset` so the write is conditioned on the version really read. Also the
 * minimal hand-written SQL for the same operation.
 * @example
 * ```ts
 * const scripts = await pgbenchScripts(url);
 * ```
 */
export async function pgbenchScripts(url: string): Promise<Record<PgbenchScriptName, string>> {
  const trace: TracedQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  try {
    const docs = collection(await PostgresStore.open(tracePool(pool, trace), { table: PG_HOT_TABLE, key: 'id' }));
    // Distinct values, so that each parameter can be recognised by value.
    await pool.query(`UPDATE ${PG_HOT_TABLE} SET n = 1000, version = 5 WHERE id = $1`, [HOT_KEY]);
    trace.length = 0;
    await docs.apply(HOT_KEY, [inc('n', 1)]);
    const apply = pgbenchScript(trace.splice(0));
    await pool.query(`UPDATE ${PG_HOT_TABLE} SET n = 1000, version = 5 WHERE id = $1`, [HOT_KEY]);
    trace.length = 0;
    await docs.withLock(HOT_KEY, async (locked) => {
      await locked.apply([set('n', (locked.value?.n as number) + 1)]);
    });
    const lock = pgbenchScript(trace.splice(0), {
      bind: new Map<unknown, string>([
        ['5', ':__nc_v'],
        [1001, '(:n::double precision + 1)'],
      ]),
      gset: /FOR UPDATE$/,
    });
    if (!lock.includes(':__nc_v') || !lock.includes(':n::')) throw new Error(`could not map the withLock statements onto pgbench variables:\n${lock}`);
    return {
      'apply: same SQL': apply,
      'apply: minimal SQL': `UPDATE ${PG_HOT_TABLE} SET n = n + 1, version = version + 1 WHERE id = '${HOT_KEY}';\n`,
      'withLock: same SQL': lock,
      'withLock: minimal SQL': [
        'BEGIN;',
        `SELECT n FROM ${PG_HOT_TABLE} WHERE id = '${HOT_KEY}' FOR UPDATE \\gset`,
        `UPDATE ${PG_HOT_TABLE} SET n = :n::double precision + 1, version = version + 1 WHERE id = '${HOT_KEY}';`,
        'COMMIT;',
        '',
      ].join('\n'),
    };
  } finally {
    await pool.end();
  }
}

/**
 * pgbench's ceiling for `apply` and `withLock`: each script at each client count, `reps`
 * times, the counter checked after each run against the transactions pgbench reported.
 * @example
 * ```ts
 * const cells = await pgbenchCeiling(url, admin, { writers: [1, 64], durationMs: 2000, reps: 3, reset, counter }, progress);
 * ```
 */
export async function pgbenchCeiling(
  url: string,
  _admin: pg.Pool,
  config: { writers: readonly number[]; durationMs: number; reps: number; reset(): Promise<void>; counter(): Promise<number> },
  progress: BenchProgress,
): Promise<PgbenchCell[]> {
  const scripts = await pgbenchScripts(url);
  const seconds = Math.max(1, Math.round(config.durationMs / 1000));
  const cells: PgbenchCell[] = [];
  for (const writers of config.writers) {
    for (const [script, sql] of Object.entries(scripts) as [PgbenchScriptName, string][]) {
      const runs: PgbenchRun[] = [];
      let lost = 0;
      for (let rep = 0; rep < config.reps; rep++) {
        progress.step(`hot row · pgbench · ${writers} clients · ${script} · rep ${rep + 1}`);
        await config.reset();
        const run = await runPgbench(url, sql, writers, seconds);
        lost += Math.abs(run.transactions - (await config.counter()));
        runs.push(run);
      }
      cells.push({
        script,
        strategy: script.startsWith('apply') ? 'apply' : 'withLock',
        writers,
        tps: summarize(runs.map((r) => r.tps)),
        latencyMs: summarize(runs.map((r) => r.latencyMs)),
        transactions: runs.reduce((a, r) => a + r.transactions, 0),
        lost,
        sql,
      });
    }
  }
  return cells;
}
