import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, portTaken } from './free-port.js';
import { launch, waitReady } from './server-process.js';
import { oneLine, ServiceUnavailableError } from './service-error.js';
import { serviceSession } from './service-session.js';

/** A running MariaDB server and how to stop it. */
export interface RunningMariaDb {
  /** `mysql://noclobber:noclobber@127.0.0.1:<port>/noclobber` (the user may create databases). */
  readonly url: string;
  readonly port: number;
  /** The server's Unix socket (in its own directory, never /run/mysqld). */
  readonly socket: string;
  stop(): Promise<void>;
}

const INSTALL = 'install MariaDB (apt-get install mariadb-server)';

// Run by mariadbd at start (--init-file; bootstrap mode cannot create users): the account and
// database the tests use, over TCP with a password.
const SETUP_SQL = `CREATE DATABASE IF NOT EXISTS noclobber;
CREATE USER IF NOT EXISTS 'noclobber'@'127.0.0.1' IDENTIFIED BY 'noclobber';
CREATE USER IF NOT EXISTS 'noclobber'@'localhost' IDENTIFIED BY 'noclobber';
GRANT ALL PRIVILEGES ON *.* TO 'noclobber'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'noclobber'@'localhost' WITH GRANT OPTION;
`;

/** `name` on the PATH or in the sbin directories an ordinary user's PATH often lacks (Debian puts `mariadbd` in /usr/sbin). */
function findBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => join(d, name)).find((p) => p.startsWith('/') && existsSync(p)) ?? name;
}

/**
 * Starts a throwaway MariaDB from the machine's own installation (`mariadb-install-db`,
 * then `mariadbd`) with its data directory and socket under this process's service
 * session, listening on a free loopback port; durability is off (the data is thrown away).
 * Reads no option file (`--no-defaults`), so the system's `/etc/mysql` settings and its
 * `/run/mysqld` socket are never touched. Rejects with a one-line
 * {@link ServiceUnavailableError} naming the cause and the remedy.
 * @example
 * ```ts
 * const db = await startMariaDb();
 * try { console.log(db.url); } finally { await db.stop(); }
 * ```
 */
export async function startMariaDb(timeoutMs = 60_000): Promise<RunningMariaDb> {
  const session = serviceSession();
  const dir = session.serverDir('mariadb');
  try {
    const data = join(dir, 'data');
    const tmp = join(dir, 'tmp');
    const socket = join(dir, 'mysqld.sock');
    if (socket.length > 100)
      throw new ServiceUnavailableError(
        'mariadb',
        `its socket path is too long (${socket})`,
        'set NOCLOBBER_SERVICES_DIR to a shorter path',
      );
    mkdirSync(tmp);
    const setup = join(dir, 'setup.sql');
    writeFileSync(setup, SETUP_SQL);
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    const install = launch(
      findBinary('mariadb-install-db'),
      [
        '--no-defaults',
        `--datadir=${data}`,
        ...asRoot,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        `--tmpdir=${tmp}`,
      ],
      { cwd: dir },
    );
    const installed = await install.ended;
    if (install.child.exitCode !== 0) {
      if (/could not be run \(ENOENT\)/.test(installed))
        throw new ServiceUnavailableError('mariadb', 'mariadb-install-db was not found on the PATH', INSTALL);
      throw new ServiceUnavailableError('mariadb', `mariadb-install-db ${errorLines(install.output()) || installed}`);
    }
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = launch(
        findBinary('mariadbd'),
        [
          '--no-defaults',
          `--datadir=${data}`,
          `--socket=${socket}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--pid-file=${join(dir, 'mariadbd.pid')}`,
          `--tmpdir=${tmp}`,
          `--init-file=${setup}`,
          ...asRoot,
          '--skip-name-resolve',
          '--skip-log-bin',
          '--innodb-flush-log-at-trx-commit=0',
          '--innodb-doublewrite=0',
          '--max-connections=300',
        ],
        { cwd: dir },
      );
      if (server.child.pid !== undefined) session.recordServer(dir, server.child.pid, 'SIGKILL');
      const failed = await waitReady(server, () => /ready for connections/.test(server.output()), timeoutMs);
      if (failed === undefined) {
        return {
          url: `mysql://noclobber:noclobber@127.0.0.1:${port}/noclobber`,
          port,
          socket,
          async stop() {
            await server.stop('SIGTERM', 20_000);
            session.releaseServer(dir);
          },
        };
      }
      await server.stop('SIGKILL');
      if (attempt < 5 && portTaken(server.output())) continue;
      if (/could not be run \(ENOENT\)/.test(failed))
        throw new ServiceUnavailableError('mariadb', 'mariadbd was not found on the PATH', INSTALL);
      throw new ServiceUnavailableError('mariadb', `mariadbd ${errorLines(server.output()) || oneLine(failed)}`);
    }
  } catch (e) {
    session.releaseServer(dir);
    if (e instanceof ServiceUnavailableError) throw e;
    throw new ServiceUnavailableError('mariadb', (e as Error).message, '', e);
  }
}

/** The lines of a MariaDB log that say what went wrong (its tail is mostly advice). */
function errorLines(output: string): string {
  return oneLine(
    output
      .split('\n')
      .filter((l) => /\bERROR\b/.test(l))
      .join('\n'),
  );
}
