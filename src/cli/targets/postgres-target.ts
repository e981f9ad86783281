import pg from 'pg';
import { PostgresStore } from '../../stores/postgres/index.js';
import type { RaceTarget } from '../../testing/race-target.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * A race target on PostgreSQL: the server at `url`, or an embedded one started here (and
 * stopped on close). Each `connect()` is a new single-connection pool.
 * @example
 * ```ts
 * const target = await openTarget({ url: 'postgres://localhost/app' });
 * ```
 */
export async function openTarget(options: { url?: string }): Promise<RaceTarget> {
  const embedded = options.url ? undefined : await startEmbeddedPostgres({ database: 'postgres' });
  const url = options.url ?? (embedded?.url as string);
  const pools: pg.Pool[] = [];
  const newPool = () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    pools.push(pool);
    return pool;
  };
  const admin = newPool();
  await admin.query(
    'CREATE TABLE IF NOT EXISTS race_rows (id text PRIMARY KEY, version integer NOT NULL, n double precision NOT NULL, markers jsonb NOT NULL)',
  );
  return {
    name: 'postgres',
    connect: async () => PostgresStore.open(newPool(), { table: 'race_rows', key: 'id' }),
    async reset() {
      await admin.query('DELETE FROM race_rows');
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
      await embedded?.stop();
    },
  };
}
