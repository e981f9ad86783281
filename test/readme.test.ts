import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('the README’s shortest example runs as written and does what it says', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const dir = mkdtempSync(join(tmpdir(), 'nc-readme-'));
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const file = join(root, '.tmp', `readme-${process.pid}.mts`);
  writeFileSync(
    file,
    `${(code as string)
      .replace("new Database('app.db')", `new Database(${JSON.stringify(join(dir, 'app.db'))})`)
      .replace("from 'noclobber/sqlite'", "from '../src/sqlite.ts'")
      .replace(
        "from 'noclobber'",
        "from '../src/index.ts'",
      )}\nconsole.log(JSON.stringify((await stacks.get('web'))?.value));\n`,
  );
  const tsx = join(root, 'node_modules/tsx/dist/loader.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, file]).finally(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(file, { force: true });
  });
  expect(JSON.parse(stdout)).toEqual({
    slug: 'web',
    status: 'active',
    env_vars: { API_URL: 'https://api', DEBUG: '1' },
  });
}, 60_000);
