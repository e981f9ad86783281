import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { type Collection, collection, type Row } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import { SqliteStore } from 'noclobber/sqlite';

/** A real HTTP server on loopback serving `/drafts/:id` through noclobber/http on SQLite. */
export async function startDraftServer(): Promise<{
  url: string;
  drafts: Collection<Row>;
  requests: { method: string; at: number }[];
  close(): Promise<void>;
}> {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE drafts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, title TEXT, body TEXT, theme TEXT)');
  const drafts = collection(new SqliteStore(db, { table: 'drafts', key: 'id', json: ['theme'] }));
  const requests: { method: string; at: number }[] = [];
  const app = new Hono();
  app.use(async (c, next) => {
    requests.push({ method: c.req.method, at: Date.now() });
    await next();
  });
  // Mounted for every method: the resource answers OPTIONS, HEAD and 405 (with `Allow`) itself.
  app.all(
    '/drafts/:id',
    honoResource({ collection: drafts, name: 'drafts', methods: ['GET', 'PUT', 'PATCH'] }) as never,
  );
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        drafts,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}
