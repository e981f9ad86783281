import pg from 'pg';
import { PostgresStore } from '../../stores/postgres/index.js';
import type { RaceTarget } from '../../testing/race-target.js';
import { type StartedServer, startDevServer } from '../dev-services.js';
import { describeError, redactUrl, StoreUnavailableError } from '../store-unavailable-error.js';

/**
 * A race target on PostgreSQL: the server at `url`, or a throwaway one started from the
 * checkout's dev services (and stopped on close). Each `connect()` is a new
 * single-connection pool. A server that cannot be reached or used is a
 * `StoreUnavailableError` naming it (password hidden).
 * @example
 * ```ts
 * const target = await openTarget({ url: 'postgres://localhost/app' });
 * ```
 */
export async function openTarget(options: { url?: string }): Promise<RaceTarget> {
  const local: StartedServer | undefined = options.url ? undefined : await startDevServer('postgres');
  const url = options.url ?? (local as StartedServer).url;
  const pools: pg.Pool[] = [];
  const newPool = () => {
    // A server that never answers fails in seconds instead of at the OS's TCP timeout.
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 15_000 });
    pool.on('error', () => {});
    pools.push(pool);
    return pool;
  };
  const close = async () => {
    await Promise.all(pools.map((p) => p.end()));
    await local?.stop();
  };
  const admin = newPool();
  try {
    await admin.query(
      'CREATE TABLE IF NOT EXISTS race_rows (id text PRIMARY KEY, version integer NOT NULL, n double precision NOT NULL, markers jsonb NOT NULL)',
    );
  } catch (e) {
    await close();
    throw new StoreUnavailableError(`cannot use PostgreSQL at ${redactUrl(url)}: ${describeError(e)}`, e);
  }
  return {
    name: 'postgres',
    connect: async () => PostgresStore.open(newPool(), { table: 'race_rows', key: 'id' }),
    async reset() {
      await admin.query('DELETE FROM race_rows');
    },
    close,
  };
}
