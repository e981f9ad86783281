/**
 * `noclobber/client`: a browser (and Node) client that replays intents on conflict, merges
 * disjoint edits and hands real conflicts to the UI.
 * @example
 * ```ts
 * import { resource, ConflictStore, autosave } from 'noclobber/client';
 * ```
 */
export * from './client/index.js';
export {
  elementSegment,
  type Merge3Options,
  type Merge3Result,
  type MergeConflict,
  merge3,
  parseElementSegment,
} from './core/merge3.js';
