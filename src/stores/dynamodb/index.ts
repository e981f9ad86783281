export { DEFAULT_LEASE_MS } from './dynamodb-lease.js';
export { DynamoStore } from './dynamodb-store.js';
export type { DynamoClient, DynamoStoreConfig } from './dynamodb-store-config.js';
export { isTombstone } from './dynamodb-tombstone.js';
export type { VersionKind } from './dynamodb-version.js';
