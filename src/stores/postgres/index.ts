export { PostgresAggregateStore } from './postgres-aggregate.js';
export type { PostgresAggregateConfig, PostgresChildConfig } from './postgres-aggregate-table.js';
export { PostgresStore } from './postgres-store.js';
export type { PgPool, PgPoolClient, PgQueryConfig, PgResult, PostgresStoreConfig } from './postgres-store-config.js';
export { PG_TOMBSTONE_TABLE, pgTombstoneDdl } from './postgres-tombstones.js';
