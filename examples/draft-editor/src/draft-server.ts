import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { type Collection, collection, type Row } from 'noclobber';
import { resourceRoute } from 'noclobber/hono';
import { SqliteStore } from 'noclobber/sqlite';
import { pageAssets } from './page-assets.js';

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
  db.exec(
    'CREATE TABLE IF NOT EXISTS drafts (id TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 1, headline TEXT, subheadline TEXT, cta TEXT, sections TEXT)',
  );
  const drafts = collection(new SqliteStore(db, { table: 'drafts', key: 'id', json: ['sections'] }));
  const { html, script } = await pageAssets();
  const app = new Hono();
  app.get('/', (c) => c.html(html));
  app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript' }));
  app.on(['GET', 'PATCH'], '/drafts/:id', resourceRoute({ collection: drafts, name: 'drafts' }) as never);
  return { app, drafts, close: () => db.close() };
}
