import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { type Collection, collection, type Row } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import { SqliteStore } from 'noclobber/sqlite';

/**
 * Seed 002's shape on a real HTTP server: one shared `tenants` row per tenant, with the
 * draft in `landingPageConfigDraft` versioned by `landingPageConfigDraftVersion`, and other
 * columns (`plan`) that other code writes WITHOUT bumping that version — the seed's design.
 */
export async function startTenantServer(): Promise<{
  url: string;
  db: Database.Database;
  tenants: Collection<Row>;
  close(): Promise<void>;
}> {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE tenants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, plan TEXT NOT NULL DEFAULT 'free',
    landingPageConfigDraft TEXT, landingPageConfigDraftVersion INTEGER NOT NULL DEFAULT 0)`);
  const tenants = collection(
    new SqliteStore(db, {
      table: 'tenants',
      key: 'id',
      version: 'landingPageConfigDraftVersion',
      json: ['landingPageConfigDraft'],
    }),
  );
  const app = new Hono();
  app.all(
    '/tenants/:id',
    honoResource({ collection: tenants, name: 'tenants', methods: ['GET', 'PUT', 'PATCH'] }) as never,
  );
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        db,
        tenants,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}
