import { Hono } from 'hono';
import type { Collection } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import type { PgPool } from 'noclobber/postgres';
import { pageAssets } from './page-assets.js';
import { openTenantDrafts, type TenantDraft } from './tenants.js';

/**
 * Seed 002 on its own stack: the draft lives in the shared `tenants` row (PostgreSQL, the
 * Prisma model), versioned by `landingPageConfigDraftVersion`. `/tenants/:id/draft` serves
 * the draft columns only (the `tenant_drafts` view), so its ETag is exactly that version.
 * Open `/?tenant=<id>`.
 * @example
 * ```ts
 * const { app } = await createTenantDraftEditor(pool);
 * ```
 */
export async function createTenantDraftEditor(pool: PgPool): Promise<{ app: Hono; drafts: Collection<TenantDraft> }> {
  const drafts = await openTenantDrafts(pool);
  const { html, script } = await pageAssets();
  const app = new Hono();
  app.get('/', (c) => c.html(html));
  app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript' }));
  app.all(
    '/tenants/:id/draft',
    honoResource({ collection: drafts, name: 'tenant-drafts', methods: ['GET', 'PATCH'] }) as never,
  );
  return { app, drafts };
}
