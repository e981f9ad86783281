import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../stores/sqlite/index.js';
import type { RaceTarget } from '../../testing/race-target.js';
import { describeError, StoreUnavailableError } from '../store-unavailable-error.js';

/**
 * A race target on an SQLite file in WAL mode: a temp file by default (removed on close),
 * or the file named by `url` (`sqlite:/path/to.db` or a plain path). Each `connect()`
 * opens a new connection. A file that cannot be opened or written is a
 * `StoreUnavailableError` naming it.
 * @example
 * ```ts
 * const target = await openTarget({});
 * ```
 */
export async function openTarget(options: { url?: string }): Promise<RaceTarget> {
  const dir = options.url ? undefined : mkdtempSync(join(tmpdir(), 'noclobber-race-'));
  const file = options.url ? options.url.replace(/^sqlite:/, '') : join(dir as string, 'race.db');
  const open = () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  };
  let opened: Database.Database | undefined;
  try {
    opened = open();
    opened.exec(
      'CREATE TABLE IF NOT EXISTS race_rows (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL NOT NULL, markers TEXT NOT NULL)',
    );
  } catch (e) {
    opened?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw new StoreUnavailableError(`cannot open SQLite file ${file}: ${describeError(e)}`, e);
  }
  const main = opened;
  let connections: Database.Database[] = [];
  return {
    name: 'sqlite',
    async connect() {
      const db = open();
      connections.push(db);
      return new SqliteStore(db, { table: 'race_rows', key: 'id', json: ['markers'] });
    },
    async reset() {
      for (const db of connections) db.close();
      connections = [];
      main.exec('DELETE FROM race_rows');
    },
    async close() {
      for (const db of connections) db.close();
      main.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
