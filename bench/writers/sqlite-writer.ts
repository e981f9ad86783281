import type Database from 'better-sqlite3';
import type { Collection, Row } from 'noclobber';
import type { WriteOnce } from '../sections/run-hot-row-cell.js';
import type { HotRowStrategy } from './hot-row-strategies.js';
import { noclobberWriter } from './noclobber-writer.js';
import { optimisticLoop } from './optimistic-loop.js';

/** The hot-row table on SQLite. */
export const SQLITE_HOT_DDL =
  'CREATE TABLE IF NOT EXISTS hot_rows (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL NOT NULL)';

/** One turn of the event loop: the I/O any async handler does between reading and writing. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One SQLite writer of the hot-row benchmark, on its own connection `db` (`docs` is a
 * noclobber collection over that connection). better-sqlite3 is synchronous, so the
 * hand-written strategies yield one event-loop turn between read and write — without it
 * no other writer of this process could ever run in between.
 * @example
 * ```ts
 * const write = sqliteWriter('apply', db, docs);
 * ```
 */
export function sqliteWriter(strategy: HotRowStrategy, db: Database.Database, docs: Collection<Row>): WriteOnce {
  const read = db.prepare('SELECT n, version FROM hot_rows WHERE id = ?');
  const blind = db.prepare('UPDATE hot_rows SET n = ?, version = version + 1 WHERE id = ?');
  const cas = db.prepare('UPDATE hot_rows SET n = ?, version = version + 1 WHERE id = ? AND version = ?');
  const key = 'row-0';
  switch (strategy) {
    case 'naive':
      return async () => {
        const r = read.get(key) as { n: number };
        await yieldTurn();
        blind.run(r.n + 1, key);
        return 1;
      };
    case 'hand-written':
      return () =>
        optimisticLoop(async () => {
          const r = read.get(key) as { n: number; version: number };
          await yieldTurn();
          return cas.run(r.n + 1, key, r.version).changes === 1;
        });
    case 'update':
    case 'withLock':
    case 'apply':
      return noclobberWriter(strategy, docs, key);
  }
}
