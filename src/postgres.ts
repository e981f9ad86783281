/**
 * `noclobber/postgres`: the PostgreSQL store on `pg`.
 * @example
 * ```ts
 * import { PostgresStore } from 'noclobber/postgres';
 * const stacks = collection(await PostgresStore.open(pool, { table: 'stacks', key: 'slug' }));
 * ```
 */
export * from './stores/postgres/index.js';
