import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const schema = fileURLToPath(new URL('./schema.prisma', import.meta.url));
/** Where `prisma generate` writes the client (git-ignored; outside tsc's and Biome's reach). */
export const PRISMA_CLIENT = fileURLToPath(new URL('../.prisma/generated/client.ts', import.meta.url));

/**
 * Generates the Prisma client for the peer benchmark into `bench/.prisma/generated/`, so a
 * fresh clone needs nothing but `npm install`. The schema engine is not needed to
 * generate and cannot be downloaded here, so `PRISMA_SCHEMA_ENGINE_BINARY=/bin/false`.
 * @example
 * ```ts
 * await generatePrismaClient();
 * ```
 */
export async function generatePrismaClient(): Promise<string> {
  const bin = fileURLToPath(new URL('../../node_modules/prisma/build/index.js', import.meta.url));
  await exec(process.execPath, [bin, 'generate', '--schema', schema], {
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (!existsSync(PRISMA_CLIENT)) throw new Error(`prisma generate wrote no ${PRISMA_CLIENT}`);
  return PRISMA_CLIENT;
}
