import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const prismaBin = join(root, 'node_modules/prisma/build/index.js');

const GENERATOR = `generator client {\n  provider = "prisma-client"\n  output   = "./client"\n}\n`;
const DATASOURCE = `datasource db {\n  provider = "postgresql"\n}\n`;

/**
 * The schema as generated here: its generator writes to `./client` (next to the schema),
 * and a schema of models only gets the generator and a PostgreSQL datasource.
 */
function normalize(schema: string): string {
  let out = /generator\s+\w+\s*\{/.test(schema)
    ? schema.replace(/(generator\s+\w+\s*\{[^}]*?output\s*=\s*)"[^"]*"/, '$1"./client"')
    : `${GENERATOR}\n${schema}`;
  if (!/generator\s+\w+\s*\{[^}]*output\s*=/.test(out))
    out = out.replace(/(generator\s+\w+\s*\{)/, '$1\n  output = "./client"');
  if (!/datasource\s+\w+\s*\{/.test(out)) out = `${out}\n${DATASOURCE}`;
  return out;
}

/**
 * Generates a Prisma client for `schema` (a whole schema file, or models only) into
 * `.tmp/prisma/<name>-<hash>/client/` — git-ignored, outside tsc's and Biome's reach —
 * and returns the path of its `client.ts`. Offline: the schema engine is not needed to
 * generate and cannot be downloaded here (`PRISMA_SCHEMA_ENGINE_BINARY=/bin/false`).
 * Generated once per schema text; concurrent test files generate into their own temporary
 * directory and the first to finish renames it into place.
 * @example
 * ```ts
 * const file = await generatePrismaClient('model Doc { id String @id }', 'docs');
 * const { PrismaClient } = await import(pathToFileURL(file).href);
 * ```
 */
export async function generatePrismaClient(schema: string, name: string): Promise<string> {
  const text = normalize(schema);
  const dir = join(root, '.tmp', 'prisma', `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`);
  const client = join(dir, 'client', 'client.ts');
  if (existsSync(client)) return client;
  const tmp = `${dir}.${process.pid}-${randomUUID().slice(0, 8)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'schema.prisma'), text);
    await exec(process.execPath, [prismaBin, 'generate', '--schema', join(tmp, 'schema.prisma')], {
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
    });
    if (!existsSync(join(tmp, 'client', 'client.ts'))) throw new Error(`prisma generate wrote no client for ${name}`);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(client)) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return client;
}
