import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { collection, inc } from 'noclobber';
import { SqliteStore } from 'noclobber/sqlite';
import { substitute } from '../trace/substitute.js';
import { type TracedSqliteCall, traceSqlite } from '../trace/trace-sqlite.js';
import { CAPTURE_KEY, mustHaveWritten, type OverheadCases } from './overhead-case.js';

/**
 * The SQLite overhead cases on one WAL file (`synchronous = NORMAL`): `apply(inc)` and
 * `update(fn)` against prepared hand-written statements and against noclobber's own
 * traced calls (`BEGIN IMMEDIATE`, the statement, `COMMIT`) replayed on better-sqlite3.
 *
 * Automatic WAL checkpoints are off while timing and run between repetitions instead:
 * SQLite runs them only when a statement steps to its end, and better-sqlite3's `get()` on
 * a hand-written `UPDATE … RETURNING` stops at the first row — so the hand-written calls
 * would never checkpoint (the WAL grows without bound) while noclobber's `COMMIT` would
 * pay for everyone's checkpoints.
 * @example
 * ```ts
 * const { cases, close } = await sqliteOverheadCases(2000);
 * ```
 */
export async function sqliteOverheadCases(rows: number): Promise<OverheadCases> {
  const dir = mkdtempSync(join(tmpdir(), 'noclobber-bench-overhead-'));
  const db = new Database(join(dir, 'overhead.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE bench_rows (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL NOT NULL)');
  const insert = db.prepare('INSERT INTO bench_rows VALUES (?, 1, 0)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`r${i}`);
  })();
  db.exec(`INSERT INTO bench_rows VALUES ('${CAPTURE_KEY}', 5, 1000)`);

  const trace: TracedSqliteCall[] = [];
  const traced = collection(new SqliteStore(traceSqlite(db, trace), { table: 'bench_rows', key: 'id' }));
  const capture = async (fn: () => Promise<unknown>) => {
    db.exec(`UPDATE bench_rows SET n = 1000, version = 5 WHERE id = '${CAPTURE_KEY}'`);
    trace.length = 0;
    await fn();
    return trace.splice(0);
  };
  const applyCalls = await capture(() => traced.apply(CAPTURE_KEY, [inc('n', 1)]));
  const updateCalls = await capture(() => traced.update(CAPTURE_KEY, (v) => ({ ...v, n: (v.n as number) + 1 })));

  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  /** Replays traced calls, returning the last statement's result; `onRead` may extend the map from a read. */
  const replay = (
    calls: readonly TracedSqliteCall[],
    map: Map<unknown, unknown>,
    onRead?: (row: Record<string, unknown>) => void,
  ) => {
    let result: unknown;
    for (const c of calls) {
      if (c.kind === 'exec') {
        db.exec(c.sql);
        continue;
      }
      result = (prepared(c.sql)[c.kind] as (...p: unknown[]) => unknown)(...(substitute(c.params, map) as unknown[]));
      if (onRead && c.sql.startsWith('SELECT')) onRead(result as Record<string, unknown>);
    }
    return result;
  };

  const docs = collection(new SqliteStore(db, { table: 'bench_rows', key: 'id' }));
  const id = (i: number) => `r${i}`;
  const rawApply = db.prepare('UPDATE bench_rows SET n = n + 1, version = version + 1 WHERE id = ? RETURNING *');
  const rawRead = db.prepare('SELECT * FROM bench_rows WHERE id = ?');
  const rawWrite = db.prepare(
    'UPDATE bench_rows SET n = ?, version = version + 1 WHERE id = ? AND version = ? RETURNING *',
  );
  return {
    cases: [
      {
        db: 'sqlite',
        call: 'apply',
        raw: 'prepared `UPDATE … SET n = n + 1, version = version + 1 WHERE id = ? RETURNING *`',
        variants: {
          raw: (i) => mustHaveWritten(rawApply.get(id(i)), 'raw apply'),
          same: (i) => mustHaveWritten(replay(applyCalls, new Map([[CAPTURE_KEY, id(i)]])), 'replayed apply'),
          noclobber: (i) => docs.apply(id(i), [inc('n', 1)]),
        },
      },
      {
        db: 'sqlite',
        call: 'update',
        raw: 'prepared `SELECT *`, then `UPDATE … WHERE id = ? AND version = ? RETURNING *`',
        variants: {
          raw: (i) => {
            const r = rawRead.get(id(i)) as { n: number; version: number };
            mustHaveWritten(rawWrite.get(r.n + 1, id(i), r.version), 'raw update');
          },
          same: (i) => {
            const map = new Map<unknown, unknown>([[CAPTURE_KEY, id(i)]]);
            const written = replay(updateCalls, map, (row) => {
              map.set(5, row.version);
              map.set(1001, (row.n as number) + 1);
            });
            mustHaveWritten(written, 'replayed update');
          },
          noclobber: (i) => docs.update(id(i), (v) => ({ ...v, n: (v.n as number) + 1 })),
        },
      },
    ],
    between() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
