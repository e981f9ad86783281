/**
 * `noclobber/memory`: the in-process reference store.
 * @example
 * ```ts
 * import { MemoryStore } from 'noclobber/memory';
 * ```
 */
export * from './stores/memory/index.js';
