import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { generatePrismaClient } from './prisma-generate.js';
import { SHOP_MODELS } from './shop-schema.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

it('the extension is typed from the generated client: rows, includes, wheres and intents (tsc on prisma-extension.test-d.ts)', {
  timeout: 240_000,
}, async () => {
  const client = await generatePrismaClient(SHOP_MODELS, 'shop');
  const dir = join(root, '.tmp', 'prisma', `typecheck-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: {
        noEmit: true,
        incremental: false,
        rootDir: root,
        paths: {
          noclobber: [join(root, 'src/index.ts')],
          'noclobber/*': [join(root, 'src/*.ts')],
          '#shop-client': [client],
        },
      },
      include: [],
      files: [join(root, 'test/prisma/prisma-extension.test-d.ts')],
    }),
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const result = await exec(process.execPath, [tsc, '-p', config, '--pretty', 'false']).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
  rmSync(dir, { recursive: true, force: true });
  expect(result.out).toBe('');
  expect(result.code).toBe(0);
});
