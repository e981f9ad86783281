import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { collection } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';
import type { BenchProgress } from '../lib/bench-progress.js';
import { measureQuietly } from '../lib/measure-quietly.js';
import { seedMathRandom } from '../lib/seeded-random.js';
import { summarizeRuns } from '../lib/summarize-runs.js';
import { HOT_ROW_STRATEGIES, NOCLOBBER_STRATEGIES } from '../writers/hot-row-strategies.js';
import { SQLITE_HOT_DDL, sqliteWriter } from '../writers/sqlite-writer.js';
import type { HotRowCell } from './hot-row-cell.js';
import type { HotRowConfig } from './hot-row-postgres.js';
import { type CellRun, runHotRowCell } from './run-hot-row-cell.js';

/** Steps the progress bar counts for this section. */
export function hotRowSqliteSteps(c: HotRowConfig): number {
  return HOT_ROW_STRATEGIES.length * (1 + c.writers.length * c.reps);
}

/**
 * The hot-row workload on one SQLite file (WAL, `synchronous = NORMAL`), every writer on
 * its own connection in this process. noclobber's connections to one file take turns
 * through its in-process gate; SQLite itself allows one writer at a time.
 * @example
 * ```ts
 * const cells = await hotRowSqlite({ writers: [1, 4], durationMs: 1000, warmupMs: 200, reps: 3, seed: 1 }, progress);
 * ```
 */
export async function hotRowSqlite(config: HotRowConfig, progress: BenchProgress): Promise<HotRowCell[]> {
  const dir = mkdtempSync(join(tmpdir(), 'noclobber-bench-hot-'));
  const open = () => {
    const db = new Database(join(dir, 'hot.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  };
  const admin = open();
  admin.exec(SQLITE_HOT_DDL);
  admin.exec("INSERT INTO hot_rows VALUES ('row-0', 1, 0)");
  const max = Math.max(...config.writers);
  const connections = Array.from({ length: max }, open);
  const docs = connections.map((db) => collection(new SqliteStore(db, { table: 'hot_rows', key: 'id' })));
  const reset = async () => void admin.exec("UPDATE hot_rows SET n = 0, version = 1 WHERE id = 'row-0'");
  const counter = async () => (admin.prepare("SELECT n FROM hot_rows WHERE id = 'row-0'").get() as { n: number }).n;
  const writersFor = (strategy: (typeof HOT_ROW_STRATEGIES)[number], n: number) =>
    connections.slice(0, n).map((db, i) => sqliteWriter(strategy, db, docs[i] as (typeof docs)[number]));
  const cells: HotRowCell[] = [];
  try {
    for (const strategy of HOT_ROW_STRATEGIES) {
      progress.step(`hot row · sqlite · warm-up · ${strategy}`);
      await runHotRowCell({ writers: writersFor(strategy, max), durationMs: config.warmupMs, reset, counter });
    }
    for (const writers of config.writers) {
      const runs = new Map<string, CellRun[]>(HOT_ROW_STRATEGIES.map((s) => [s, []]));
      const discarded = new Map<string, CellRun[]>(HOT_ROW_STRATEGIES.map((s) => [s, []]));
      for (let rep = 0; rep < config.reps; rep++) {
        for (let k = 0; k < HOT_ROW_STRATEGIES.length; k++) {
          const strategy = HOT_ROW_STRATEGIES[
            (k + rep) % HOT_ROW_STRATEGIES.length
          ] as (typeof HOT_ROW_STRATEGIES)[number];
          progress.step(`hot row · sqlite · ${writers} writers · ${strategy} · rep ${rep + 1}`);
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
      for (const strategy of HOT_ROW_STRATEGIES) {
        cells.push({
          db: 'sqlite',
          strategy,
          writers,
          noclobber: NOCLOBBER_STRATEGIES.has(strategy),
          ...summarizeRuns(runs.get(strategy) ?? [], discarded.get(strategy) ?? []),
        });
      }
    }
  } finally {
    for (const db of [...connections, admin]) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return cells;
}
