import Database from 'better-sqlite3';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import inject from 'light-my-request';
import { type Collection, collection, type Row } from 'noclobber';
import { expressResource } from 'noclobber/express';
import { fastifyResource } from 'noclobber/fastify';
import { honoResource } from 'noclobber/hono';
import { collectionIdempotency, type IdempotencyRecord, type ServeResourceOptions } from 'noclobber/http';
import { SqliteStore } from 'noclobber/sqlite';

/** What a test sends, and what it reads back. */
export interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
export interface Got {
  status: number;
  headers: Record<string, string>;
  text: string;
  json(): Record<string, unknown>;
}

/** A request as light-my-request (Express) and Fastify's `inject` take it. */
const injection = (r: Sent) => ({
  method: r.method as never,
  url: r.path,
  headers: r.headers ?? {},
  ...(r.body === undefined ? {} : { payload: r.body }),
});

/** What an injected request answered, as a test reads it. */
const injected = (res: { statusCode: number; headers: unknown; payload: string }): Got => ({
  status: res.statusCode,
  headers: res.headers as Record<string, string>,
  text: res.payload,
  json: () => JSON.parse(res.payload),
});

/** One framework under test: how to send without a port, and a real server. */
export interface Framework {
  readonly name: string;
  send(req: Sent): Promise<Got>;
  listen(): Promise<{ url: string; close(): Promise<void> }>;
}

/** An entry of the audit log of forced writes, as the fixture's `audit_log` table holds it. */
export interface AuditEntry {
  readonly resourceId: string;
  readonly method: string;
  readonly previousVersion: string | undefined;
  readonly version: string | undefined;
}

/** The shared fixture: a SQLite table of subscriptions and, in the same database, the audit log of forced writes. */
export interface Fixture {
  readonly db: Database.Database;
  readonly subs: Collection<Row>;
  /** The audit log's entries, oldest first. */
  audit(): AuditEntry[];
  options(extra?: Partial<ServeResourceOptions<Row>>): ServeResourceOptions<Row>;
}

export function fixture(): Fixture {
  const db = new Database(':memory:');
  db.exec(
    `CREATE TABLE subscriptions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, plan TEXT, status TEXT, notes TEXT, meta TEXT)`,
  );
  db.exec(
    `CREATE TABLE idempotency_keys (id TEXT PRIMARY KEY, version INTEGER NOT NULL, fingerprint TEXT, state TEXT, response TEXT, expires_at REAL)`,
  );
  db.exec(
    `CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, version INTEGER NOT NULL, resource_id TEXT NOT NULL, method TEXT NOT NULL, previous_version TEXT, new_version TEXT, at TEXT NOT NULL)`,
  );
  const subs = collection(new SqliteStore(db, { table: 'subscriptions', key: 'id', json: ['meta'] }));
  const keys = collection(
    new SqliteStore<IdempotencyRecord>(db, { table: 'idempotency_keys', key: 'id', json: ['response'] }),
  );
  const auditLog = collection(new SqliteStore(db, { table: 'audit_log', key: 'seq' }));
  let seq = 0;
  return {
    db,
    subs,
    audit: () =>
      (
        db
          .prepare('SELECT resource_id, method, previous_version, new_version FROM audit_log ORDER BY seq')
          .all() as Row[]
      ).map((r) => ({
        resourceId: r.resource_id as string,
        method: r.method as string,
        previousVersion: (r.previous_version ?? undefined) as string | undefined,
        version: (r.new_version ?? undefined) as string | undefined,
      })),
    options: (extra = {}) => ({
      collection: subs,
      name: 'subscriptions',
      maxBodyBytes: 4096,
      exposeCurrent: (req) => req.headers.get('x-role') === 'support',
      authorizeForce: (req) => req.headers.get('x-role') === 'admin',
      audit: {
        collection: auditLog,
        entry: (e) => ({
          seq: ++seq,
          resource_id: e.resourceId,
          method: e.method,
          previous_version: e.previousVersion,
          new_version: e.version,
          at: e.at,
        }),
      },
      idempotency: { store: collectionIdempotency(keys) },
      ...extra,
    }),
  };
}

const gotFromResponse = async (r: Response): Promise<Got> => {
  const text = await r.text();
  return { status: r.status, headers: Object.fromEntries(r.headers.entries()), text, json: () => JSON.parse(text) };
};

/** Where the resource is mounted: `${base}/:id${suffix}` (e.g. `/tenants/:id/draft`). */
export interface Mount {
  readonly base?: string;
  readonly suffix?: string;
}

/** The resource served by Hono, Express and Fastify, each mounted the documented way. */
export function frameworks<T extends object = Row>(options: ServeResourceOptions<T>, mount: Mount = {}): Framework[] {
  const base = mount.base ?? '/subscriptions';
  const route = `${base}/:id${mount.suffix ?? ''}`;
  const hono = new Hono();
  hono.all(route, honoResource(options) as never);
  // light-my-request re-prototypes the app's req/res, so the real server gets its own app.
  const makeExpress = () => {
    const app = express();
    app.all(route, expressResource(options) as never);
    return app;
  };
  const app = makeExpress();
  const makeFastify = async () => {
    const f = Fastify();
    await f.register(fastifyResource as never, { prefix: base, path: `/:id${mount.suffix ?? ''}`, resource: options });
    return f;
  };
  const fastifyApp = makeFastify();
  return [
    {
      name: 'hono',
      send: async (r) =>
        gotFromResponse(
          await hono.request(r.path, {
            method: r.method,
            headers: r.headers ?? {},
            ...(r.body === undefined ? {} : { body: r.body }),
          }),
        ),
      listen: async () => {
        const { serve } = await import('@hono/node-server');
        return new Promise((resolve) => {
          const server = serve(
            { fetch: hono.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false },
            (info) =>
              resolve({
                url: `http://127.0.0.1:${info.port}`,
                close: () => new Promise((done) => server.close(() => done())),
              }),
          );
        });
      },
    },
    {
      name: 'express',
      send: async (r) => injected(await inject(app as never, injection(r))),
      listen: () =>
        new Promise((resolve) => {
          const server = makeExpress().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            resolve({
              url: `http://127.0.0.1:${port}`,
              close: () => new Promise((done) => server.close(() => done())),
            });
          });
        }),
    },
    {
      name: 'fastify',
      send: async (r) => injected(await (await fastifyApp).inject(injection(r))),
      listen: async () => {
        const f = await makeFastify();
        const address = await f.listen({ port: 0, host: '127.0.0.1' });
        return { url: address, close: () => f.close() };
      },
    },
  ];
}
