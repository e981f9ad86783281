import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { inCi } from '../../setup/services.js';

/** Debian's Chromium (never a downloaded build). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run; says why not (and fails under CI) when they cannot. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: the browser tests cannot run here (apt-get install chromium).`;
  if (inCi()) throw new Error(message);
  console.warn(`\n*** SKIPPING BROWSER TESTS *** ${message}\n`);
  return false;
}

/** Headless Chromium with no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}
