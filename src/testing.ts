/**
 * `noclobber/testing`: the race harness and lost-update oracle, for your own tests.
 * @example
 * ```ts
 * import { runRace } from 'noclobber/testing';
 * const r = await runRace({ target, strategy: 'update', writers: 16, ops: 100 });
 * ```
 */
export * from './testing/index.js';
