/**
 * `noclobber/client`: a browser (and Node) client that replays intents on conflict, merges
 * disjoint edits and hands real conflicts to the UI.
 * @example
 * ```ts
 * import { resource, ConflictStore, autosave } from 'noclobber/client';
 * ```
 */
export * from './client/index.js';
export { type Merge3Result, type MergeConflict, merge3 } from './core/merge3.js';
