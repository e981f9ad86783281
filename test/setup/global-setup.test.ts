import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const config = 'test/setup/fixtures/vitest.fixture.config.ts';

/** A whole vitest run (the real global setup) over fixture files, in a child process. */
function fixtureRun(files: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  // The child is a run of its own, not a worker of this one.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'CI' && k !== 'STORES',
    ),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitest, 'run', '--config', config, ...files.map((f) => `test/setup/fixtures/${f}`)],
      { cwd: root, env: { ...clean, NO_COLOR: '1', ...env }, maxBuffer: 1 << 24 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

describe('the test run around the suites', () => {
  // No Java on the PATH: DynamoDB Local cannot start. (node itself is run by absolute path.)
  const noJava = { PATH: '/nonexistent' };

  it('a service that cannot start is one line, and its suites skip outside CI', async () => {
    const { code, output } = await fixtureRun(['needs-dynamodb.fixture.ts'], noJava);
    expect(code, output).toBe(0);
    const skip = output.split('\n').filter((l) => l.includes('*** SKIPPING DYNAMODB TESTS ***'));
    expect(skip, output).toHaveLength(1);
    expect(skip[0]).toMatch(
      /dynamodb could not start: Java was not found on the PATH — install a Java 17\+ runtime .* \(or set DYNAMODB_ENDPOINT/,
    );
    expect(output).toMatch(/1 skipped/);
    expect(output).not.toMatch(/Unhandled|\n\s+at /);
  }, 120_000);

  it('in CI the same run fails, saying why in one line', async () => {
    const { code, output } = await fixtureRun(['needs-dynamodb.fixture.ts'], { ...noJava, CI: 'true' });
    expect(code, output).toBe(1);
    expect(output).toMatch(
      /dynamodb is required in CI and could not start: dynamodb could not start: Java was not found on the PATH/,
    );
  }, 120_000);

  it('STORES skips what it does not select (in CI too) without starting it; a run with no server-backed file starts none; a temp dir left behind fails the run and is named', async () => {
    const { code, output } = await fixtureRun(
      ['needs-dynamodb.fixture.ts', 'no-service.fixture.ts', 'leaks-temp.fixture.ts'],
      {
        STORES: 'sqlite',
        CI: 'true',
      },
    );
    expect(output).toMatch(/\*\*\* SKIPPING DYNAMODB TESTS \*\*\* not selected by STORES=sqlite/);
    expect(output).not.toMatch(/test services: \w+ ready/);
    expect(output).toMatch(
      /\*\*\* TEMP FILES LEFT BEHIND \*\*\* the tests left 1 entry in their temp directory .*forgotten-\w+\//,
    );
    expect(code, output).toBe(1); // the leftover alone fails it: the skip does not
    expect(output).toMatch(/Tests +2 passed \| 1 skipped/);
  }, 120_000);
});
