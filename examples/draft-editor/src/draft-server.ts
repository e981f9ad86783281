import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { type Collection, collection, type Row } from 'noclobber';
import { resourceRoute } from 'noclobber/hono';
import { SqliteStore } from 'noclobber/sqlite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Bundles the page's script (the real `noclobber/client`, not a copy) for the browser. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [here('./page.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    target: 'es2022',
    alias: { 'noclobber/client': here('../../../src/client.ts') },
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/**
 * The draft editor (seed 002): a page with autosave, and `/drafts/:id` served by
 * noclobber/http on SQLite (WAL file).
 * @example
 * ```ts
 * const { app, drafts } = await createDraftEditor('drafts.db');
 * ```
 */
export async function createDraftEditor(file: string): Promise<{ app: Hono; drafts: Collection<Row>; close(): void }> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS drafts (id TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1, headline TEXT, subheadline TEXT, cta TEXT)');
  const drafts = collection(new SqliteStore(db, { table: 'drafts', key: 'id' }));
  const script = await bundlePage();
  const html = readFileSync(here('./index.html'), 'utf8');
  const app = new Hono();
  app.get('/', (c) => c.html(html));
  app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript' }));
  app.on(['GET', 'PUT', 'PATCH'], '/drafts/:id', resourceRoute({ collection: drafts, name: 'drafts' }) as never);
  return { app, drafts, close: () => db.close() };
}
