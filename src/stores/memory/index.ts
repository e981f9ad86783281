export { MemoryStore, type MemoryStoreConfig } from './memory-store.js';
