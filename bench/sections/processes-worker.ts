// One OS process of the "several processes" benchmark. Opens its connections, prints
// "ready", waits for "go" on stdin, then makes its writes — update, apply and withLock in
// turn, each adding 1 to `n` and its own marker to `markers` — and prints a JSON report.
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { add, type Collection, collection, inc, type Row } from 'noclobber';
import { PostgresStore } from 'noclobber/postgres';
import { SqliteStore } from 'noclobber/sqlite';
import pg from 'pg';

/** What the parent passes as the one argument (JSON). */
export interface WorkerArgs {
  readonly db: 'postgres' | 'sqlite';
  /** PostgreSQL URL or SQLite file. */
  readonly target: string;
  readonly worker: number;
  readonly connections: number;
  readonly ops: number;
}

/** What the worker prints when done. */
export interface WorkerReport {
  readonly acknowledged: string[];
  readonly failed: string[];
  /** `performance.timeOrigin + performance.now()` at "go" and at the end: comparable across processes. */
  readonly startedAt: number;
  readonly endedAt: number;
}

const args = JSON.parse(process.argv[2] as string) as WorkerArgs;
const stores: Collection<Row>[] = [];
const closers: (() => unknown)[] = [];
for (let c = 0; c < args.connections; c++) {
  if (args.db === 'postgres') {
    const pool = new pg.Pool({ connectionString: args.target, max: 1 });
    pool.on('error', () => {});
    closers.push(() => pool.end());
    stores.push(collection(await PostgresStore.open(pool, { table: 'bench_mp', key: 'id' })));
  } else {
    const db = new Database(args.target);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    closers.push(() => db.close());
    stores.push(collection(new SqliteStore(db, { table: 'bench_mp', key: 'id', json: ['markers'] })));
  }
}
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

const acknowledged: string[] = [];
const failed: string[] = [];
const now = () => performance.timeOrigin + performance.now();
const startedAt = now();
await Promise.all(
  stores.map(async (docs, c) => {
    for (let i = 0; i < args.ops; i++) {
      const marker = `p${args.worker}-c${c}-${i}`;
      try {
        if (i % 3 === 0)
          await docs.update('row-0', (v) => ({
            ...v,
            n: (v.n as number) + 1,
            markers: [...(v.markers as string[]), marker],
          }));
        else if (i % 3 === 1) await docs.apply('row-0', [inc('n', 1), add('markers', marker)]);
        else await docs.withLock('row-0', (locked) => locked.apply([inc('n', 1), add('markers', marker)]));
        acknowledged.push(marker);
      } catch {
        failed.push(marker);
      }
    }
  }),
);
const report: WorkerReport = { acknowledged, failed, startedAt, endedAt: now() };
for (const close of closers) await close();
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
