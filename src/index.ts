/**
 * noclobber: read-modify-write that loses nothing under concurrency.
 *
 * @example
 * ```ts
 * import { collection, inc } from 'noclobber';
 * import { SqliteStore } from 'noclobber/sqlite';
 * const counters = collection(new SqliteStore(db, { table: 'counters', key: 'id' }));
 * await counters.apply('hits', [inc('n', 1)]);
 * ```
 */
export * from './core/index.js';
