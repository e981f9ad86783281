import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { collection, set } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import { SqliteStore } from 'noclobber/sqlite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './browser/chromium.js';

const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

describe.skipIf(!chromiumAvailable())('noclobber/react in real Chromium', () => {
  let browser: Browser;
  let base: string;
  let close: () => void;
  const db = new Database(':memory:');
  db.exec('CREATE TABLE drafts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, title TEXT, body TEXT)');
  const drafts = collection(new SqliteStore(db, { table: 'drafts', key: 'id' }));
  /** Drafts whose every PATCH is preceded by another writer's change of `body` (a hot record). */
  const hot = new Set<string>();
  let interfering = 0;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./browser/react-page.tsx', import.meta.url))],
      bundle: true,
      format: 'esm',
      write: false,
      platform: 'browser',
      target: 'es2022',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      alias: { 'noclobber/client': src('client.ts'), 'noclobber/react': src('react.ts') },
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    const app = new Hono();
    app.get('/', (c) =>
      c.html('<!doctype html><meta charset="utf-8"><div id="root"></div><script type="module" src="/app.js"></script>'),
    );
    app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript' }));
    app.use('/drafts/:id', async (c, next) => {
      if (c.req.method === 'PATCH' && hot.has(c.req.param('id')))
        await drafts.apply(c.req.param('id'), [set('body', `other writer ${++interfering}`)]);
      await next();
    });
    app.all('/drafts/:id', honoResource({ collection: drafts, name: 'drafts', methods: ['GET', 'PATCH'] }) as never);
    await new Promise<void>((resolve) => {
      const server = serve(
        { fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false },
        (info) => {
          base = `http://127.0.0.1:${info.port}`;
          resolve();
        },
      );
      close = () => server.close();
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    close?.();
  });

  const open = async (page: Page, id: string, extra = '') => {
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${base}/?draft=${id}${extra}`);
    await page.waitForSelector('#status[data-state="Saved"]');
    return page;
  };
  const stored = async (id: string) => (await drafts.get(id))?.value;
  const inputValue = (page: Page, sel: string) => page.locator(sel).inputValue();
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id);

  it('after a choice every tab shows the resolved value, in the focused input too', async () => {
    await drafts.create('r1', { id: 'r1', title: 'Original', body: 'Body' });
    // B1 and B2 share a browser profile (BroadcastChannel); A is another browser, so B's copies go stale.
    const [ctxA, ctxB] = [await browser.newContext(), await browser.newContext()];
    const a = await open(await ctxA.newPage(), 'r1');
    const [b1, b2] = [await open(await ctxB.newPage(), 'r1'), await open(await ctxB.newPage(), 'r1')];
    await a.fill('#title', 'Title from A');
    await expect.poll(async () => (await stored('r1'))?.title, { timeout: 10_000 }).toBe('Title from A');
    await b2.focus('#title');
    await b1.fill('#title', 'Title from B'); // typing leaves #title focused in B1
    await b1.locator('#conflicts li[data-reason="merge"]').waitFor({ timeout: 10_000 });
    expect(await b1.locator('#conflicts').textContent()).toContain('title mine=Title from B theirs=Title from A');
    expect(await focused(b1)).toBe('title');
    await b1.click('#keep-theirs');
    await b1.focus('#title');
    await expect.poll(() => inputValue(b1, '#title'), { timeout: 10_000 }).toBe('Title from A');
    expect(await focused(b1)).toBe('title');
    await b1.waitForSelector('#status[data-state="Saved"]');
    expect((await stored('r1'))?.title).toBe('Title from A');

    // Now the other way: B keeps its own value; B2 (focused, same profile) shows it too.
    await b1.fill('#title', 'B again');
    await expect.poll(async () => (await stored('r1'))?.title, { timeout: 10_000 }).toBe('B again');
    await expect.poll(() => inputValue(b2, '#title'), { timeout: 10_000 }).toBe('B again');
    expect(await focused(b2)).toBe('title');
    await ctxA.close();
    await ctxB.close();
  }, 60_000);

  it('a retry budget that runs out lists the change (base, mine, theirs) and resolving it saves both sides', async () => {
    await drafts.create('r2', { id: 'r2', title: 'Original', body: 'Body' });
    const ctx = await browser.newContext();
    const page = await open(await ctx.newPage(), 'r2', '&attempts=2');
    hot.add('r2');
    await page.fill('#title', 'Mine, after all');
    const item = page.locator('#conflicts li[data-reason="exhausted"]');
    await item.waitFor({ timeout: 10_000 });
    expect(await item.textContent()).toContain('no field clash');
    expect((await stored('r2'))?.title).toBe('Original'); // nothing written behind the person's back
    hot.delete('r2');
    await page.click('#keep-mine');
    await expect
      .poll(async () => stored('r2'), { timeout: 10_000 })
      .toMatchObject({ title: 'Mine, after all', body: `other writer ${interfering}` });
    await page.waitForSelector('#status[data-state="Saved"]');
    expect(await page.locator('#conflicts li').count()).toBe(0);
    expect(await inputValue(page, '#body')).toBe(`other writer ${interfering}`);
    await ctx.close();
  }, 60_000);
});
