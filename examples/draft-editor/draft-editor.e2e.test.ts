import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, focusedId, openEditor, startBrowser } from './e2e-browser.js';
import { createDraftEditor } from './src/draft-server.js';

const artifacts = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!chromiumAvailable())('seed 002: draft editor with autosave in two tabs (real Chromium)', () => {
  let editor: Awaited<ReturnType<typeof createDraftEditor>>;
  let web: Awaited<ReturnType<typeof startBrowser>>;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nc-drafts-'));
    editor = await createDraftEditor(join(dir, 'drafts.db'));
    web = await startBrowser(editor.app);
  }, 60_000);
  afterAll(async () => {
    await web?.close();
    editor?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = async (page: Page, draft: string) => openEditor(page, `${web.base}/?draft=${draft}&debounce=150`);
  const saved = (page: Page) => page.waitForSelector('#status[data-state="Saved"]', { timeout: 10_000 });
  const stored = async (id: string) => (await editor.drafts.get(id))?.value;
  const create = (id: string) =>
    editor.drafts.create(id, {
      id,
      headline: 'Book your stay',
      subheadline: 'By the sea',
      cta: 'Reserve',
      sections: [],
    });

  it('two tabs edit different fields: both edits survive, no dialog', async () => {
    await create('d1');
    const context = await web.browser.newContext();
    const [a, b] = [await open(await context.newPage(), 'd1'), await open(await context.newPage(), 'd1')];
    await Promise.all([a.fill('#headline', 'Sunrise rooms'), b.fill('#cta', 'Book now')]);
    await expect
      .poll(async () => stored('d1'), { timeout: 10_000 })
      .toMatchObject({ headline: 'Sunrise rooms', cta: 'Book now' });
    await Promise.all([saved(a), saved(b)]);
    expect(await a.locator('dialog[open]').count()).toBe(0);
    expect(await b.locator('dialog[open]').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('two tabs edit the same field: the second gets a dialog with both values, and the stored draft has the one picked', async () => {
    await create('d2');
    // Separate browser contexts: no BroadcastChannel between them, so the second tab edits a stale copy.
    const [ctxA, ctxB] = [await web.browser.newContext(), await web.browser.newContext()];
    const [a, b] = [await open(await ctxA.newPage(), 'd2'), await open(await ctxB.newPage(), 'd2')];
    await a.fill('#headline', 'Headline from tab A');
    await expect.poll(async () => (await stored('d2'))?.headline, { timeout: 10_000 }).toBe('Headline from tab A');
    await b.fill('#headline', 'Headline from tab B');
    const dialog = b.locator('dialog[open]');
    await dialog.waitFor({ timeout: 10_000 });
    await expect.poll(() => dialog.textContent()).toContain('Headline from tab A');
    expect(await dialog.textContent()).toContain('Headline from tab B');
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'draft-editor-conflict-dialog.png');
    await b.screenshot({ path: shot });
    console.log(`conflict dialog screenshot: ${shot}`);
    expect((await stored('d2'))?.headline).toBe('Headline from tab A'); // nothing forced while the user decides
    await b.check('fieldset[data-path="headline"] input[value="mine"]');
    await b.click('#resolve');
    await expect.poll(async () => (await stored('d2'))?.headline, { timeout: 10_000 }).toBe('Headline from tab B');
    await saved(b);
    expect(await b.locator('#headline').inputValue()).toBe('Headline from tab B');
    await ctxA.close();
    await ctxB.close();
  }, 60_000);

  it('after choosing "Theirs", every tab shows theirs — the focused input included', async () => {
    await create('d3');
    const [ctxA, ctxB] = [await web.browser.newContext(), await web.browser.newContext()];
    const a = await open(await ctxA.newPage(), 'd3');
    const [b1, b2] = [await open(await ctxB.newPage(), 'd3'), await open(await ctxB.newPage(), 'd3')];
    await a.fill('#headline', 'Theirs from A');
    await expect.poll(async () => (await stored('d3'))?.headline, { timeout: 10_000 }).toBe('Theirs from A');
    await b2.focus('#headline');
    await b1.fill('#headline', 'Discarded in B');
    await b1.locator('dialog[open]').waitFor({ timeout: 10_000 });
    await b1.click('#resolve'); // "Theirs" is preselected
    await expect.poll(() => b1.locator('#headline').inputValue(), { timeout: 10_000 }).toBe('Theirs from A');
    expect(await focusedId(b1)).toBe('headline'); // the dialog gave focus back to the input
    await expect.poll(() => b2.locator('#headline').inputValue(), { timeout: 10_000 }).toBe('Theirs from A');
    expect(await focusedId(b2)).toBe('headline');
    await saved(b1);
    expect((await stored('d3'))?.headline).toBe('Theirs from A');
    await ctxA.close();
    await ctxB.close();
  }, 60_000);

  it('two tabs add a section at once: both sections survive, no dialog', async () => {
    await create('d4');
    const [ctxA, ctxB] = [await web.browser.newContext(), await web.browser.newContext()];
    const [a, b] = [await open(await ctxA.newPage(), 'd4'), await open(await ctxB.newPage(), 'd4')];
    await a.fill('#section-title', 'Spa');
    await b.fill('#section-title', 'Dining');
    await Promise.all([a.click('#add-section'), b.click('#add-section')]);
    await expect
      .poll(
        async () => ((await stored('d4'))?.sections as { title: string }[] | undefined)?.map((s) => s.title).sort(),
        { timeout: 10_000 },
      )
      .toEqual(['Dining', 'Spa']);
    await Promise.all([saved(a), saved(b)]);
    expect(await a.locator('dialog[open]').count()).toBe(0);
    expect(await b.locator('dialog[open]').count()).toBe(0);
    await ctxA.close();
    await ctxB.close();
  }, 60_000);
});
