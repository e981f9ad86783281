export { MemoryDatabase } from './memory-database.js';
export { MemoryStore, type MemoryStoreConfig } from './memory-store.js';
