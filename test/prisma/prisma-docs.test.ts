import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { expect, it } from 'vitest';
import { service } from '../setup/services.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const pgUrl = await service('postgres');

/** The code blocks of a Markdown page that name a file: ```ts title="src/main.ts"```. */
function files(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markdown.matchAll(/```\w+ title="([^"]+)"\n([\s\S]*?)```/g)) out.set(m[1] as string, m[2] as string);
  return out;
}

it.skipIf(!pgUrl)(
  'docs/prisma.md builds a Prisma project from its own text: generate, migrate, type-check against the generated client, run, same output',
  {
    timeout: 300_000,
  },
  async () => {
    const page = files(readFileSync(join(root, 'docs/prisma.md'), 'utf8'));
    for (const f of ['prisma/schema.prisma', 'prisma/migration.sql', 'src/db.ts', 'src/main.ts', 'output'])
      expect(page.has(f), f).toBe(true);
    const project = join(root, '.tmp', 'prisma', `docs-project-${process.pid}`);
    rmSync(project, { recursive: true, force: true });
    for (const [name, text] of page) {
      if (name === 'output') continue;
      mkdirSync(dirname(join(project, name)), { recursive: true });
      writeFileSync(join(project, name), text);
    }
    // A project of its own that resolves `noclobber` to this checkout, as an installed package would.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
          paths: { noclobber: [join(root, 'src/index.ts')], 'noclobber/*': [join(root, 'src/*.ts')] },
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    await exec(
      process.execPath,
      [join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', join(project, 'prisma/schema.prisma')],
      {
        cwd: project,
        // JITI_FS_CACHE: Prisma's config loader (jiti) would keep a transform cache in the run's temp
        // directory, since the project has no node_modules to keep it in.
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
          JITI_FS_CACHE: 'false',
        },
      },
    );

    const typecheck = await exec(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(project, 'tsconfig.json'),
      '--pretty',
      'false',
    ]).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(typecheck).toBe('');

    const url = new URL(pgUrl as string);
    const database = `docs_${process.pid}_${Date.now()}`;
    const admin = new pg.Pool({ connectionString: url.href, max: 1 });
    admin.on('error', () => {});
    try {
      await admin.query(`CREATE DATABASE ${database}`);
      url.pathname = `/${database}`;
      const db = new pg.Pool({ connectionString: url.href, max: 1 });
      db.on('error', () => {});
      await db.query(page.get('prisma/migration.sql') as string);
      await db.end();
      const run = await exec(
        process.execPath,
        [join(root, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', join(project, 'tsconfig.json'), 'src/main.ts'],
        {
          cwd: project,
          env: { ...process.env, DATABASE_URL: url.href },
        },
      );
      expect(run.stdout.trim()).toBe((page.get('output') as string).trim());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  },
);
