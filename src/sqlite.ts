/**
 * `noclobber/sqlite`: the SQLite store on better-sqlite3, the embedded default.
 * @example
 * ```ts
 * import { SqliteStore } from 'noclobber/sqlite';
 * const docs = collection(new SqliteStore(db, { table: 'docs', key: 'id', json: ['data'] }));
 * ```
 */
export * from './stores/sqlite/index.js';
