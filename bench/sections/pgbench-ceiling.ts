import type { BenchProgress } from '../lib/bench-progress.js';
import { measureQuietly } from '../lib/measure-quietly.js';
import { type PgbenchRun, runPgbench } from '../lib/run-pgbench.js';
import { type Summary, summarize } from '../lib/summarize.js';
import { pgbenchScript } from '../trace/pgbench-script.js';
import type { HotRowTrace } from '../trace/trace-hot-row.js';
import { HOT_KEY, PG_HOT_TABLE } from '../writers/postgres-writer.js';

/** Which statements pgbench ran. */
export type PgbenchScriptName =
  | 'apply: same SQL'
  | 'apply: minimal SQL'
  | 'withLock: same SQL'
  | 'withLock: minimal SQL';

/** pgbench at one client count, over every repetition. */
export interface PgbenchCell {
  readonly script: PgbenchScriptName;
  /** The noclobber strategy this is the ceiling of. */
  readonly strategy: 'apply' | 'withLock';
  readonly writers: number;
  readonly tps: Summary;
  readonly latencyMs: Summary;
  /** CPU of the whole machine, % of all cores (includes connecting pgbench's clients). */
  readonly machineCpuPct: Summary;
  /** CPU of work that is not the benchmark's, % of all cores. */
  readonly otherCpuPct: Summary;
  readonly transactions: number;
  /** Transactions pgbench reported that the counter does not show (must be 0). */
  readonly lost: number;
  /** The script itself, for the report. */
  readonly sql: string;
}

/**
 * pgbench scripts for `apply` and `withLock`: exactly what noclobber sends ("same SQL";
 * the lock's `SELECT … FOR UPDATE` stores the row with `\gset` so the write is conditioned
 * on the version really read), and the minimal hand-written SQL for the same operation.
 * @example
 * ```ts
 * const scripts = pgbenchScripts(await traceHotRow(url));
 * ```
 */
export function pgbenchScripts(trace: HotRowTrace): Record<PgbenchScriptName, string> {
  const lock = pgbenchScript(trace.withLock, {
    // Traced with n = 1000 and version 5: the write's parameters are the version read and n + 1.
    bind: new Map<unknown, string>([
      ['5', ':__nc_v'],
      [1001, '(:n::double precision + 1)'],
    ]),
    gset: /FOR UPDATE$/,
  });
  if (!lock.includes(':__nc_v') || !lock.includes(':n::'))
    throw new Error(`could not map the withLock statements onto pgbench variables:\n${lock}`);
  return {
    'apply: same SQL': pgbenchScript(trace.apply),
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
}

/**
 * pgbench's ceiling for `apply` and `withLock`: each script at each client count, `reps`
 * times, the counter checked after each run against the transactions pgbench reported.
 * @example
 * ```ts
 * const cells = await pgbenchCeiling(url, trace, { writers: [1, 64], pgbenchSeconds: 2, pgbenchScripts: 'all', reps: 3, reset, counter }, progress);
 * ```
 */
export async function pgbenchCeiling(
  url: string,
  trace: HotRowTrace,
  config: {
    writers: readonly number[];
    pgbenchSeconds: number;
    /** `same`: only noclobber's own statements; `all`: the minimal hand-written SQL too. */
    pgbenchScripts: 'all' | 'same';
    reps: number;
    reset(): Promise<void>;
    counter(): Promise<number>;
  },
  progress: BenchProgress,
): Promise<PgbenchCell[]> {
  const all = Object.entries(pgbenchScripts(trace)) as [PgbenchScriptName, string][];
  const scripts = config.pgbenchScripts === 'all' ? all : all.filter(([name]) => name.endsWith('same SQL'));
  const seconds = config.pgbenchSeconds;
  const cells: PgbenchCell[] = [];
  for (const writers of config.writers) {
    for (const [script, sql] of scripts) {
      const runs: PgbenchRun[] = [];
      let lost = 0;
      for (let rep = 0; rep < config.reps; rep++) {
        progress.step(`hot row · pgbench · ${writers} clients · ${script} · rep ${rep + 1}`);
        const m = await measureQuietly(
          async () => {
            await config.reset();
            const run = await runPgbench(url, sql, writers, seconds);
            return { run, lost: Math.abs(run.transactions - (await config.counter())) };
          },
          (r) => r.run.otherCpuPct,
        );
        lost += m.kept.lost + m.discarded.reduce((a, d) => a + d.lost, 0);
        runs.push(m.kept.run);
      }
      cells.push({
        script,
        strategy: script.startsWith('apply') ? 'apply' : 'withLock',
        writers,
        tps: summarize(runs.map((r) => r.tps)),
        latencyMs: summarize(runs.map((r) => r.latencyMs)),
        machineCpuPct: summarize(runs.map((r) => r.machineCpuPct)),
        otherCpuPct: summarize(runs.map((r) => r.otherCpuPct)),
        transactions: runs.reduce((a, r) => a + r.transactions, 0),
        lost,
        sql,
      });
    }
  }
  return cells;
}
