export { SqliteStore } from './sqlite-store.js';
export type { SqliteDatabase, SqliteStatement, SqliteStoreConfig } from './sqlite-store-config.js';
export { SQLITE_TOMBSTONE_TABLE, sqliteTombstoneDdl } from './sqlite-tombstones.js';
