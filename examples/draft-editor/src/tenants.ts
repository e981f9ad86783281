import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Collection, collection } from 'noclobber';
import { type PgPool, PostgresStore } from 'noclobber/postgres';

/** A section of the landing page: an identity list (`id`), so two tabs adding sections both keep theirs. */
export interface Section {
  readonly id: string;
  readonly title: string;
}

/** The JSON document in `landingPageConfigDraft`. */
export interface LandingPageConfig {
  [field: string]: unknown;
  headline: string;
  subheadline: string;
  cta: string;
  sections: Section[];
}

/** The draft as the editor sees it: the draft columns of one tenant, nothing else. */
export interface TenantDraft {
  [field: string]: unknown;
  id: string;
  landingPageConfigDraft: LandingPageConfig;
}

/** The `tenants` table as `prisma migrate` creates it from `prisma/schema.prisma`. */
export const TENANTS_DDL = `
CREATE TABLE IF NOT EXISTS "tenants" (
  "id" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "plan" TEXT NOT NULL DEFAULT 'free',
  "landingPageConfigDraft" JSONB,
  "landingPageConfigDraftVersion" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
)`;

/**
 * The draft columns of `tenants` — exactly what `landingPageConfigDraftVersion` versions.
 * A simple view, so PostgreSQL updates `tenants` through it (auto-updatable view); noclobber
 * binds the view and so can never read `plan` under a version that does not cover it, nor
 * write it. See the README for why the row itself cannot be the versioned record.
 */
export const TENANT_DRAFTS_VIEW = `
CREATE OR REPLACE VIEW "tenant_drafts" AS
  SELECT "id", "landingPageConfigDraft", "landingPageConfigDraftVersion" FROM "tenants"`;

/**
 * Creates the table and the view (idempotent) and binds the drafts collection to the view,
 * versioned by the seed's own column.
 * @example
 * ```ts
 * const drafts = await openTenantDrafts(pool);
 * await drafts.apply('acme', [set('landingPageConfigDraft.headline', 'Hi')]);
 * ```
 */
export async function openTenantDrafts(pool: PgPool): Promise<Collection<TenantDraft>> {
  await pool.query(TENANTS_DDL);
  await pool.query(TENANT_DRAFTS_VIEW);
  const store = await PostgresStore.open<TenantDraft>(pool, {
    table: 'tenant_drafts',
    key: 'id',
    version: 'landingPageConfigDraftVersion',
  });
  return collection(store);
}

const schema = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
/** Where `prisma generate` writes the client (git-ignored `.tmp/`, outside tsc's and Biome's reach). */
export const PRISMA_CLIENT = fileURLToPath(new URL('../.tmp/prisma/client.ts', import.meta.url));

/**
 * Generates the seed's Prisma client from `prisma/schema.prisma`, so a fresh clone needs
 * nothing but `npm install`. Generating does not use the schema engine, which cannot be
 * downloaded here: `PRISMA_SCHEMA_ENGINE_BINARY=/bin/false`.
 * @example
 * ```ts
 * const { PrismaClient } = await import(pathToFileURL(await generatePrismaClient()).href);
 * ```
 */
export async function generatePrismaClient(): Promise<string> {
  const bin = fileURLToPath(new URL('../../../node_modules/prisma/build/index.js', import.meta.url));
  await promisify(execFile)(process.execPath, [bin, 'generate', '--schema', schema], {
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
