import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { serviceSession, servicesRoot, sweepStaleSessions } from '../../tools/services/index.js';
import { startServiceBroker } from './service-broker.js';
import './services.js';

/**
 * Caches that tools keep in the temp directory, not files a test made: tsx's transform
 * cache (`tsx-<uid>`, written by every `node --import tsx` child). Removed with the run's
 * temp directory like everything else, but not reported.
 */
const TOOL_CACHES = /^tsx-[\w-]+$/;

/**
 * What a run left in its temp directory: each top-level entry, with a few of the files in
 * it, so the report names the culprit (`nc-product-x1/shop.db`).
 * @example
 * ```ts
 * leftovers('/tmp/noclobber-services-0/run-12-ab/tmp'); // ['nc-product-x1/ (shop.db, blobs)']
 * ```
 */
export function leftovers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !TOOL_CACHES.test(e.name))
    .map((e) => {
      if (!e.isDirectory()) return e.name;
      const inside = readdirSync(join(dir, e.name));
      return `${e.name}/ (${inside.slice(0, 3).join(', ')}${inside.length > 3 ? `, … ${inside.length} entries` : ''})`;
    });
}

/**
 * The test run's global setup, in the main vitest process:
 * - removes what runs killed half-way left behind (their servers and directories);
 * - gives the run its own temp directory (`TMPDIR` for every worker) inside its service
 *   session, and on teardown fails the run if anything is left in it;
 * - starts the service broker: servers start when a test file first asks for one
 *   (`service('postgres')` from `services.ts`), so a run starts only what its files use.
 *   `STORES=sqlite,postgres` selects which server-backed suites run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fixed before TMPDIR changes, so workers and their children share one services root.
  process.env.NOCLOBBER_SERVICES_DIR ||= servicesRoot();
  const swept = await sweepStaleSessions();
  if (swept.length > 0)
    process.stderr.write(`test setup: removed what ${swept.length} killed run(s) left behind: ${swept.join(', ')}\n`);
  const session = serviceSession();
  session.hold();
  const tmp = join(session.dir, 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  const outerTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  const broker = await startServiceBroker();
  project.provide('SERVICES_BROKER', broker.url);
  return async () => {
    await broker.close();
    const left = leftovers(tmp);
    rmSync(tmp, { recursive: true, force: true });
    if (outerTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outerTmp;
    session.release();
    if (left.length > 0) {
      const message = `the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their temp directory (removed now; each test must remove what it creates): ${left.join('; ')}`;
      process.stderr.write(`\n*** TEMP FILES LEFT BEHIND *** ${message}\n`);
      // Not thrown: vitest would print a stack under the one line that says it all.
      process.exitCode = 1;
    }
  };
}
