import { Mutex } from '../../core/mutex.js';
import type { SqliteDatabase } from './sqlite-store-config.js';

const byFile = new Map<string, Mutex>();
const byConnection = new WeakMap<object, Mutex>();

/**
 * The in-process gate for a database. better-sqlite3 is synchronous: if one connection
 * held the write lock across an `await` while another connection in the same process
 * waited for it in SQLite's busy handler, the wait would block the event loop and the
 * holder could never finish. So every connection to one file in this process takes turns
 * through one async gate; other processes are kept out by SQLite's own locks.
 * @example
 * ```ts
 * const release = await gateFor(db).acquire({ timeoutMs: 5000 });
 * ```
 */
export function gateFor(db: SqliteDatabase): Mutex {
  const file = db.memory || !db.name || db.name === ':memory:' ? undefined : db.name;
  if (file === undefined) {
    let gate = byConnection.get(db);
    if (!gate) byConnection.set(db, (gate = new Mutex()));
    return gate;
  }
  let gate = byFile.get(file);
  if (!gate) byFile.set(file, (gate = new Mutex()));
  return gate;
}
