import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service } from '../../test/setup/services.js';
import { chromiumAvailable, openEditor, startBrowser } from './e2e-browser.js';
import { createTenantDraftEditor } from './src/tenant-draft-server.js';
import { generatePrismaClient, type LandingPageConfig } from './src/tenants.js';

/** The slice of the seed's generated Prisma client these tests use (it is generated at run time). */
interface TenantRow {
  id: string;
  name: string;
  plan: string;
  landingPageConfigDraft: LandingPageConfig | null;
  landingPageConfigDraftVersion: number;
}
interface PrismaLike {
  tenant: {
    create(args: { data: Partial<TenantRow> & { id: string; name: string } }): Promise<TenantRow>;
    update(args: { where: { id: string }; data: { plan: string } }): Promise<TenantRow>;
    findUniqueOrThrow(args: { where: { id: string } }): Promise<TenantRow>;
    updateMany(args: {
      where: { id: string; landingPageConfigDraftVersion: number };
      data: { landingPageConfigDraft: LandingPageConfig; landingPageConfigDraftVersion: { increment: number } };
    }): Promise<{ count: number }>;
  };
  $disconnect(): Promise<void>;
}

const schema = `draft_editor_${process.pid}`;
const url = (await service('postgres')) as string;

describe.skipIf(!url || !chromiumAvailable())(
  'seed 002 on its own stack: the Tenant row on PostgreSQL, other code writing it through Prisma (real Chromium)',
  () => {
    let pool: pg.Pool;
    let prisma: PrismaLike;
    let web: Awaited<ReturnType<typeof startBrowser>>;
    let drafts: Awaited<ReturnType<typeof createTenantDraftEditor>>['drafts'];

    beforeAll(async () => {
      const admin = new pg.Pool({ connectionString: url, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
      await admin.end();
      pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
      pool.on('error', () => {});
      const editor = await createTenantDraftEditor(pool);
      drafts = editor.drafts;
      const { PrismaClient } = (await import(pathToFileURL(await generatePrismaClient()).href)) as {
        PrismaClient: new (o: { adapter: unknown }) => PrismaLike;
      };
      const { PrismaPg } = await import('@prisma/adapter-pg');
      prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }, { schema }) });
      web = await startBrowser(editor.app);
    }, 120_000);
    afterAll(async () => {
      await web?.close();
      await prisma?.$disconnect();
      await pool?.end();
    });

    const page0: LandingPageConfig = {
      headline: 'Book your stay',
      subheadline: 'By the sea',
      cta: 'Reserve',
      sections: [{ id: 's1', title: 'Rooms' }],
    };
    const newTenant = (id: string) =>
      prisma.tenant.create({ data: { id, name: 'Acme', plan: 'pro', landingPageConfigDraft: page0 } });
    const open = async (page: Page, id: string, debounce = 150) =>
      openEditor(page, `${web.base}/?tenant=${id}&debounce=${debounce}`);
    const row = (id: string) => prisma.tenant.findUniqueOrThrow({ where: { id } });

    it("the tenant's plan changes (Prisma, no version bump) while a tab autosaves the draft: both survive", async () => {
      await newTenant('acme');
      const ctx = await web.browser.newContext();
      const tab = await open(await ctx.newPage(), 'acme', 1500);
      await tab.fill('#headline', 'Sunrise rooms');
      // Other code, between the tab's read and its save: the seed's `plan` change, which does not bump the draft version.
      await prisma.tenant.update({ where: { id: 'acme' }, data: { plan: 'enterprise' } });
      await expect
        .poll(async () => (await row('acme')).landingPageConfigDraft?.headline, { timeout: 10_000 })
        .toBe('Sunrise rooms');
      const after = await row('acme');
      expect(after.plan).toBe('enterprise');
      expect(after.landingPageConfigDraftVersion).toBe(1);
      expect(await tab.locator('dialog[open]').count()).toBe(0);
      await ctx.close();
    }, 60_000);

    it("the seed's own executor (updateMany on the expected version, increment) saves the draft while a tab edits it: the tab merges, nothing lost", async () => {
      await newTenant('beta');
      const ctx = await web.browser.newContext();
      const tab = await open(await ctx.newPage(), 'beta', 1500);
      await tab.fill('#headline', 'Typed in the tab');
      const read = await row('beta');
      const { count } = await prisma.tenant.updateMany({
        where: { id: 'beta', landingPageConfigDraftVersion: read.landingPageConfigDraftVersion },
        data: {
          landingPageConfigDraft: { ...(read.landingPageConfigDraft as LandingPageConfig), cta: 'Set by the agent' },
          landingPageConfigDraftVersion: { increment: 1 },
        },
      });
      expect(count).toBe(1);
      await expect
        .poll(async () => (await row('beta')).landingPageConfigDraft, { timeout: 10_000 })
        .toMatchObject({ headline: 'Typed in the tab', cta: 'Set by the agent' });
      expect((await row('beta')).landingPageConfigDraftVersion).toBe(2);
      await expect.poll(() => tab.locator('#cta').inputValue(), { timeout: 10_000 }).toBe('Set by the agent');
      // …and an executor that read before the tab's save is refused, as the seed wants (count 0 → ConcurrencyError).
      const stale = await prisma.tenant.updateMany({
        where: { id: 'beta', landingPageConfigDraftVersion: read.landingPageConfigDraftVersion },
        data: { landingPageConfigDraft: page0, landingPageConfigDraftVersion: { increment: 1 } },
      });
      expect(stale.count).toBe(0);
      await ctx.close();
    }, 60_000);

    it('two browsers append a section each while plan changes: both sections survive, plan untouched', async () => {
      await newTenant('gamma');
      const [ctxA, ctxB] = [await web.browser.newContext(), await web.browser.newContext()];
      const [a, b] = [await open(await ctxA.newPage(), 'gamma'), await open(await ctxB.newPage(), 'gamma')];
      await a.fill('#section-title', 'Spa');
      await b.fill('#section-title', 'Dining');
      await Promise.all([a.click('#add-section'), b.click('#add-section')]);
      await prisma.tenant.update({ where: { id: 'gamma' }, data: { plan: 'enterprise' } });
      await expect
        .poll(async () => (await row('gamma')).landingPageConfigDraft?.sections.map((s) => s.title).sort(), {
          timeout: 10_000,
        })
        .toEqual(['Dining', 'Rooms', 'Spa']);
      expect(await a.locator('dialog[open]').count()).toBe(0);
      expect(await b.locator('dialog[open]').count()).toBe(0);
      expect((await row('gamma')).plan).toBe('enterprise');
      const snap = await drafts.get('gamma');
      expect(Object.keys(snap?.value ?? {}).sort()).toEqual(['id', 'landingPageConfigDraft']); // the resource is the draft, not the row
      expect(snap?.version).toBe(String((await row('gamma')).landingPageConfigDraftVersion));
      await ctxA.close();
      await ctxB.close();
    }, 60_000);
  },
);
