import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { type Browser, chromium, type Page } from 'playwright-core';
import { inCi } from '../../test/setup/services.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether Debian's Chromium is here; says why not (and fails under CI) when it is not. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: the draft-editor browser tests cannot run here (apt-get install chromium).`;
  if (inCi()) throw new Error(message);
  console.warn(`\n*** SKIPPING BROWSER TESTS *** ${message}\n`);
  return false;
}

/** Serves the app on a loopback port and launches headless Chromium (no background traffic). */
export async function startBrowser(app: Hono): Promise<{ base: string; browser: Browser; close(): Promise<void> }> {
  const { base, stop } = await new Promise<{ base: string; stop: () => void }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }, (info) =>
      resolve({ base: `http://127.0.0.1:${info.port}`, stop: () => server.close() }),
    );
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
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
