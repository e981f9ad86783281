import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A failure the CLI explains: exit 3, nothing on stdout, exactly one line on stderr, no stack. */
function expectOneLine(run: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr).toMatch(/^noclobber: /);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).toMatch(message);
}

describe('noclobber: a store that cannot be used is one line and exit 3', () => {
  it('an unreachable PostgreSQL URL (password hidden)', async () => {
    const run = await runCli(['race', '--store', 'postgres://app:s3cret@127.0.0.1:1/db', '--ops', '1']);
    expectOneLine(run, /cannot use PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/db: connect ECONNREFUSED/);
    expect(run.stderr).not.toContain('s3cret');
  }, 60_000);

  it('an SQLite path whose directory does not exist', async () => {
    expectOneLine(
      await runCli(['race', '--store', 'sqlite:/nonexistent-dir/x.db', '--ops', '1']),
      /cannot open SQLite file \/nonexistent-dir\/x\.db: .*directory does not exist/,
    );
  }, 60_000);

  it('an unreachable DynamoDB endpoint', async () => {
    expectOneLine(
      await runCli(['race', '--store', 'http://127.0.0.1:1', '--ops', '1']),
      /cannot use DynamoDB at http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  }, 60_000);

  it('--store dynamodb without Java on the PATH says what to install', async () => {
    const run = await runCli(['race', '--store', 'dynamodb', '--ops', '1'], {
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expectOneLine(
      run,
      /dynamodb could not start: Java was not found on the PATH — install a Java 17\+ runtime .*or pass --store http:\/\/host:port/,
    );
  }, 60_000);

  it('--verbose adds the stack and the cause under the one line', async () => {
    const run = await runCli(['race', '--store', 'sqlite:/nonexistent-dir/x.db', '--verbose']);
    expect(run.code).toBe(3);
    const [first, ...rest] = run.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^noclobber: cannot open SQLite file/);
    expect(rest.join('\n')).toMatch(/StoreUnavailableError[\s\S]*\n\s+at [\s\S]*caused by: /);
  }, 60_000);
});

describe('noclobber outside a checkout (no tools/services, as in the published package)', () => {
  // The CLI's own source without the repository around it: what an installed package has.
  const dir = mkdtempSync(join(tmpdir(), 'nc-installed-'));
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const entry = join(dir, 'src', 'cli', 'noclobber.ts');

  it.each([
    [
      'postgres',
      /--store postgres starts a local server only from a noclobber checkout; install PostgreSQL .*--store postgres:\/\//,
    ],
    [
      'dynamodb',
      /--store dynamodb starts a local server only from a noclobber checkout; install DynamoDB Local .*--store http:\/\//,
    ],
  ])(
    '--store %s says in one line what to install',
    async (store, message) => {
      expectOneLine(await runCli(['race', '--store', store], { entry }), message);
    },
    60_000,
  );

  it('runs the in-process stores as usual', async () => {
    const run = await runCli(['race', '--store', 'memory', '--json', '--ops', '3', '--writers', '2'], { entry });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as unknown[]).length).toBe(4);
  }, 60_000);
});

describe('npm start', () => {
  it('--silent -- --json prints nothing but the JSON on stdout (npm prints its "> noclobber@… start" banner there otherwise)', async () => {
    const { stdout, stderr } = await exec(
      'npm',
      ['start', '--silent', '--', '--store', 'memory', '--json', '--ops', '3', '--writers', '2'],
      { cwd: root },
    );
    const rows = JSON.parse(stdout) as { strategy: string }[];
    expect(rows.map((r) => r.strategy)).toEqual(['naive', 'update', 'apply', 'withLock']);
    expect(stderr).toMatch(/withLock\s+done: 6 acknowledged, 0 lost/); // progress goes to stderr
  }, 60_000);

  it('npm is not muted: a missing script is reported', async () => {
    const failed = await exec('npm', ['run', 'no-such-script'], { cwd: root }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/Missing script: "no-such-script"/);
  }, 60_000);
});
