export { SqliteStore } from './sqlite-store.js';
export type { SqliteDatabase, SqliteStatement, SqliteStoreConfig } from './sqlite-store-config.js';
