import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/client/browser/chromium.js';

// The same Debian Chromium, launched the same way, as the library's own browser tests.
export { chromiumAvailable } from '../../test/client/browser/chromium.js';

/** Serves the app on a loopback port and launches headless Chromium (no background traffic). */
export async function startBrowser(app: Hono): Promise<{ base: string; browser: Browser; close(): Promise<void> }> {
  const { base, stop } = await new Promise<{ base: string; stop: () => void }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }, (info) =>
      resolve({ base: `http://127.0.0.1:${info.port}`, stop: () => server.close() }),
    );
  });
  const browser = await launchChromium();
  return {
    base,
    browser,
    async close() {
      await browser.close();
      stop();
    },
  };
}

/** Opens the editor and waits until it has loaded its draft. */
export async function openEditor(page: Page, url: string): Promise<Page> {
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('#status[data-state="Saved"]');
  return page;
}

/** The id of the focused element. */
export const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);
