import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { collection } from 'noclobber';
import { ClientError, ConflictStore, resource } from 'noclobber/client';
import { honoResource } from 'noclobber/hono';
import { SqliteStore } from 'noclobber/sqlite';
import { describe, expect, it } from 'vitest';
import { startVersionServer } from './version-server.js';

interface Subscription {
  [field: string]: unknown;
  id: string;
  status: string;
  notes: string;
  metadata: Record<string, unknown>;
}
const URL_OF = (id: string) => `http://api.test/subscriptions/${id}`;
const SEED = { status: 'active', notes: '', metadata: { seats: 5 } };

describe("seed 003's wire shape: version in the body, CONFLICT_VERSION_MISMATCH", () => {
  const options = { versionField: 'version', conflictCode: 'CONFLICT_VERSION_MISMATCH' } as const;

  it('reads the version from the body (kept out of the value) and sends it back with only the change', async () => {
    const server = startVersionServer();
    await server.subscriptions.create('s1', { id: 's1', ...SEED });
    const sub = resource<Subscription>(URL_OF('s1'), { ...options, fetch: server.fetch });
    expect(await sub.get()).toEqual({ id: 's1', ...SEED });
    expect(sub.getSnapshot()).toMatchObject({ version: 1, etag: undefined });
    await sub.mutate((s) => ({ ...s, notes: 'VIP' }));
    expect(server.seen.at(-1)).toEqual({ method: 'PATCH', ifMatch: null, body: { notes: 'VIP', version: 1 } });
    expect(sub.getSnapshot()).toMatchObject({ version: 2, value: { notes: 'VIP' } });
  });

  it('a 409 CONFLICT_VERSION_MISMATCH is retried on the fresh version; both writers survive', async () => {
    const server = startVersionServer();
    await server.subscriptions.create('s2', { id: 's2', ...SEED });
    const agent = resource<Subscription>(URL_OF('s2'), { ...options, fetch: server.fetch });
    await agent.get();
    await server.subscriptions.apply('s2', [{ op: 'set', path: 'status', value: 'past_due' }]); // billing, meanwhile
    await agent.mutate((s) => ({ ...s, notes: 'called customer' }));
    expect(server.seen.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { notes: 'called customer', version: 1 },
      { notes: 'called customer', version: 2 },
    ]);
    expect((await server.subscriptions.get('s2'))?.value).toMatchObject({
      status: 'past_due',
      notes: 'called customer',
    });
  });

  it('another 409 (SUBSCRIPTION_LOCKED) is not a version conflict: refused at once, nothing queued', async () => {
    const server = startVersionServer();
    await server.subscriptions.create('s3', { id: 's3', ...SEED, status: 'locked' });
    const conflicts = new ConflictStore();
    const sub = resource<Subscription>(URL_OF('s3'), { ...options, fetch: server.fetch, conflicts });
    await sub.get();
    const err = await sub.mutate((s) => ({ ...s, notes: 'x' })).catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err.problem).toMatchObject({ code: 'SUBSCRIPTION_LOCKED' });
    expect(server.seen.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(conflicts.getSnapshot()).toEqual([]);
  });

  it('defaults are unchanged: without conflictCode every 409 counts as a version conflict', async () => {
    const server = startVersionServer();
    await server.subscriptions.create('s4', { id: 's4', ...SEED, status: 'locked' });
    const sub = resource<Subscription>(URL_OF('s4'), {
      versionField: 'version',
      fetch: server.fetch,
      attempts: 3,
      baseMs: 1,
    });
    await sub.get();
    await expect(sub.mutate((s) => ({ ...s, notes: 'x' }))).rejects.toBeInstanceOf(ClientError);
    expect(server.seen.filter((r) => r.method === 'PATCH')).toHaveLength(3);
  });

  it('own __proto__ / constructor keys in a response never reach the value or a request', async () => {
    const server = startVersionServer({ hostileRead: true });
    await server.subscriptions.create('s5', { id: 's5', ...SEED });
    const sub = resource<Subscription>(URL_OF('s5'), { ...options, fetch: server.fetch });
    const value = await sub.get();
    expect(Object.keys(value).sort()).toEqual(['id', 'metadata', 'notes', 'status']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(await sub.save({ ...value, notes: 'n' }, value)).toBe('saved');
    expect(server.seen.at(-1)?.body).toEqual({ notes: 'n', version: 1 });
    expect(JSON.stringify(server.seen.at(-1)?.body)).not.toMatch(/__proto__|constructor|isAdmin/);
  });
});

describe('against noclobber/http with `bodyVersion` and `conflictCode` (the server options seed 003 uses)', () => {
  /** The resource on SQLite, with every request and answer recorded. */
  const start = () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE subscriptions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT, notes TEXT, metadata TEXT)',
    );
    const subscriptions = collection(new SqliteStore(db, { table: 'subscriptions', key: 'id', json: ['metadata'] }));
    const app = new Hono();
    app.all(
      '/subscriptions/:id',
      honoResource({
        collection: subscriptions,
        name: 'subscriptions',
        bodyVersion: 'version',
        conflictCode: 'CONFLICT_VERSION_MISMATCH',
      }) as never,
    );
    const seen: { method: string; ifMatch: string | null; body: unknown; status: number; answer: unknown }[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      const body = req.method === 'GET' ? undefined : await req.clone().json();
      const res = await app.request(req);
      seen.push({
        method: req.method,
        ifMatch: req.headers.get('if-match'),
        body,
        status: res.status,
        answer: await res.clone().json(),
      });
      return res;
    }) as typeof globalThis.fetch;
    return { subscriptions, seen, fetch };
  };

  it('ifMatch: false — writes carry the body version only; a stale one is a 409 CONFLICT_VERSION_MISMATCH with the current version, retried', async () => {
    const server = start();
    await server.subscriptions.create('s1', { id: 's1', ...SEED });
    const agent = resource<Subscription>(URL_OF('s1'), {
      versionField: 'version',
      conflictCode: 'CONFLICT_VERSION_MISMATCH',
      ifMatch: false,
      fetch: server.fetch,
    });
    await agent.get();
    expect(agent.getSnapshot().etag).toMatch(/\.1"$/); // the server sends an ETag too; the client does not send it back
    await server.subscriptions.apply('s1', [{ op: 'set', path: 'status', value: 'past_due' }]); // billing, meanwhile
    await agent.mutate((s) => ({ ...s, notes: 'called customer' }));
    const patches = server.seen.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.status, r.ifMatch, r.body])).toEqual([
      [409, null, { notes: 'called customer', version: 1 }],
      [200, null, { notes: 'called customer', version: 2 }],
    ]);
    expect(patches[0]?.answer).toMatchObject({
      code: 'CONFLICT_VERSION_MISMATCH',
      reason: 'stale',
      version: 2,
      currentVersion: '2',
    });
    expect((await server.subscriptions.get('s1'))?.value).toMatchObject({
      status: 'past_due',
      notes: 'called customer',
    });
  });

  it('by default the ETag goes as If-Match too, and a stale one is the RFC’s 412 (with the same code)', async () => {
    const server = start();
    await server.subscriptions.create('s2', { id: 's2', ...SEED });
    const agent = resource<Subscription>(URL_OF('s2'), {
      versionField: 'version',
      conflictCode: 'CONFLICT_VERSION_MISMATCH',
      fetch: server.fetch,
    });
    await agent.get();
    await server.subscriptions.apply('s2', [{ op: 'set', path: 'status', value: 'past_due' }]);
    await agent.mutate((s) => ({ ...s, notes: 'n' }));
    const first = server.seen.find((r) => r.method === 'PATCH');
    expect(first).toMatchObject({
      status: 412,
      ifMatch: expect.stringMatching(/\.1"$/),
      answer: { code: 'CONFLICT_VERSION_MISMATCH' },
    });
  });

  it('ifMatch: false without a versionField would write unconditioned: refused', () => {
    expect(() => resource(URL_OF('x'), { ifMatch: false })).toThrow(/needs versionField/);
  });
});
