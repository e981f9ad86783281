import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { checkHistory, type RaceRow } from 'noclobber/testing';
import pg from 'pg';
import type { BenchProgress } from '../lib/bench-progress.js';
import { type Summary, summarize } from '../lib/summarize.js';
import type { WorkerArgs, WorkerReport } from './processes-worker.js';

/** Sizes of the multi-process runs. */
export interface ProcessesConfig {
  readonly processes: number;
  /** Connections (concurrent writers) per process on PostgreSQL; SQLite uses one per process. */
  readonly pgConnections: number;
  readonly pgOps: number;
  readonly sqliteOps: number;
  readonly reps: number;
}

/** Several OS processes on one hot row, over every repetition. */
export interface ProcessesRow {
  readonly db: 'postgres' | 'sqlite';
  readonly processes: number;
  readonly writersPerProcess: number;
  readonly writesPerSec: Summary;
  readonly acknowledged: number;
  readonly failed: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Counter within [acknowledged, attempted] in every repetition. */
  readonly counterOk: boolean;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const workerFile = fileURLToPath(new URL('./processes-worker.ts', import.meta.url));

/** Starts the workers, waits until all are connected, says "go", and collects their reports. */
async function runWorkers(args: Omit<WorkerArgs, 'worker'>, count: number): Promise<WorkerReport[]> {
  const children = Array.from({ length: count }, (_, worker) =>
    spawn(process.execPath, ['--import', 'tsx', workerFile, JSON.stringify({ ...args, worker })], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const lines = children.map((child) => {
    let stderr = '';
    child.stderr.on('data', (d) => void (stderr += d));
    const rl = createInterface({ input: child.stdout });
    const queue: string[] = [];
    const waiters: ((line: string) => void)[] = [];
    rl.on('line', (line) => (waiters.shift() ?? ((l: string) => void queue.push(l)))(line));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        setTimeout(() => reject(new Error(`processes: worker exited with ${code}: ${stderr.trim().slice(-500)}`)), 100),
      ),
    );
    return () =>
      Promise.race([
        new Promise<string>((resolve) => (queue.length ? resolve(queue.shift() as string) : waiters.push(resolve))),
        exited,
      ]);
  });
  try {
    for (const next of lines) if ((await next()) !== 'ready') throw new Error('processes: a worker did not get ready');
    for (const child of children) child.stdin.write('go\n');
    return await Promise.all(lines.map(async (next) => JSON.parse(await next()) as WorkerReport));
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }
}

/** Steps the progress bar counts for this section. */
export function processesSteps(c: ProcessesConfig): number {
  return 2 * c.reps;
}

/**
 * 4 Node processes sharing the hot row: on PostgreSQL (several connections each) and on
 * one SQLite WAL file (one connection each, the processes kept apart by SQLite's own
 * locks). Each write adds 1 to `n` and a unique marker to `markers` through `update`,
 * `apply` or `withLock` in turn; the lost-update oracle then checks every acknowledged
 * marker is present exactly once and the counter matches.
 * @example
 * ```ts
 * const rows = await processes(url, { processes: 4, pgConnections: 4, pgOps: 60, sqliteOps: 150, reps: 3 }, progress);
 * ```
 */
export async function processes(
  url: string,
  config: ProcessesConfig,
  progress: BenchProgress,
): Promise<ProcessesRow[]> {
  const out: ProcessesRow[] = [];
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => {});
  const dir = mkdtempSync(join(tmpdir(), 'noclobber-bench-mp-'));
  const file = join(dir, 'mp.db');
  const lite = new Database(file);
  lite.pragma('journal_mode = WAL');
  try {
    await admin.query(
      'CREATE TABLE IF NOT EXISTS bench_mp (id text PRIMARY KEY, version integer NOT NULL, n double precision NOT NULL, markers jsonb NOT NULL)',
    );
    lite.exec(
      'CREATE TABLE bench_mp (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL NOT NULL, markers TEXT NOT NULL)',
    );
    const sides = [
      {
        db: 'postgres' as const,
        args: { db: 'postgres' as const, target: url, connections: config.pgConnections, ops: config.pgOps },
        reset: async () =>
          void (await admin.query("DELETE FROM bench_mp; INSERT INTO bench_mp VALUES ('row-0', 1, 0, '[]')")),
        read: async (): Promise<RaceRow> => {
          const r = (await admin.query("SELECT n, markers FROM bench_mp WHERE id = 'row-0'")).rows[0];
          return { id: 'row-0', n: r.n, markers: r.markers };
        },
      },
      {
        db: 'sqlite' as const,
        args: { db: 'sqlite' as const, target: file, connections: 1, ops: config.sqliteOps },
        reset: async () => void lite.exec("DELETE FROM bench_mp; INSERT INTO bench_mp VALUES ('row-0', 1, 0, '[]')"),
        read: async (): Promise<RaceRow> => {
          const r = lite.prepare("SELECT n, markers FROM bench_mp WHERE id = 'row-0'").get() as {
            n: number;
            markers: string;
          };
          return { id: 'row-0', n: r.n, markers: JSON.parse(r.markers) };
        },
      },
    ];
    for (const side of sides) {
      const rates: number[] = [];
      let acknowledged = 0;
      let failed = 0;
      let lost = 0;
      let duplicated = 0;
      let counterOk = true;
      for (let rep = 0; rep < config.reps; rep++) {
        progress.step(`processes · ${side.db} · ${config.processes} processes · rep ${rep + 1}`);
        await side.reset();
        const reports = await runWorkers(side.args, config.processes);
        const acked = reports.flatMap((r) => r.acknowledged);
        const failedMarkers = reports.flatMap((r) => r.failed);
        const oracle = checkHistory({
          acknowledged: acked,
          attempted: [...acked, ...failedMarkers],
          rows: [await side.read()],
        });
        const span = Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt));
        rates.push((acked.length / span) * 1000);
        acknowledged += acked.length;
        failed += failedMarkers.length;
        lost += oracle.lost.length;
        duplicated += oracle.duplicated.length + oracle.unknown.length;
        counterOk &&= oracle.counterOk;
      }
      out.push({
        db: side.db,
        processes: config.processes,
        writersPerProcess: side.args.connections,
        writesPerSec: summarize(rates),
        acknowledged,
        failed,
        lost,
        duplicated,
        counterOk,
      });
    }
  } finally {
    await admin.end();
    lite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
