import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { collection } from 'noclobber';
import { resourceRoute } from 'noclobber/hono';
import { collectionIdempotency, type IdempotencyRecord, requestFingerprint } from 'noclobber/http';
import { SqliteStore } from 'noclobber/sqlite';
import { describe, expect, it } from 'vitest';

function setup() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE idempotency_keys (id TEXT PRIMARY KEY, version INTEGER NOT NULL, fingerprint TEXT, state TEXT, response TEXT, expires_at REAL)');
  db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL)');
  const keys = collectionIdempotency(collection(new SqliteStore<IdempotencyRecord>(db, { table: 'idempotency_keys', key: 'id', json: ['response'] })));
  const docs = collection(new SqliteStore(db, { table: 'docs', key: 'id' }));
  return { keys, docs };
}

describe('Idempotency-Key store', () => {
  it('claims a key once; in flight, mismatch, completed and expired are told apart', async () => {
    const { keys } = setup();
    expect(await keys.begin('k', 'fp1', 60_000)).toEqual({ state: 'started' });
    expect(await keys.begin('k', 'fp1', 60_000)).toEqual({ state: 'in_flight' });
    expect(await keys.begin('k', 'fp2', 60_000)).toEqual({ state: 'mismatch' });
    await keys.complete('k', { status: 200, headers: [['etag', '"x.2"']], body: '{}' });
    expect(await keys.begin('k', 'fp1', 60_000)).toEqual({ state: 'completed', response: { status: 200, headers: [['etag', '"x.2"']], body: '{}' } });
    expect(await keys.begin('old', 'fp', -1)).toEqual({ state: 'started' });
    expect(await keys.begin('old', 'fp', 60_000)).toEqual({ state: 'started' }); // expired: taken over
    await keys.abandon('old');
    expect(await keys.begin('old', 'fp', 60_000)).toEqual({ state: 'started' });
  });

  it('concurrent requests with one key: exactly one runs', async () => {
    const { keys } = setup();
    const results = await Promise.all(Array.from({ length: 8 }, () => keys.begin('same', 'fp', 60_000)));
    expect(results.filter((r) => r.state === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'in_flight')).toHaveLength(7);
  });

  it('over HTTP: a key still in flight gets 409 and the change is not applied', async () => {
    const { keys, docs } = setup();
    const created = await docs.create('d', { id: 'd', n: 1 });
    const app = new Hono();
    app.on(['GET', 'PATCH'], '/docs/:id', resourceRoute({ collection: docs, name: 'docs', idempotency: { store: keys } }) as never);
    const body = '{"n":2}';
    const etag = `"${(await app.request('/docs/d')).headers.get('etag')?.slice(1, -1)}"`;
    await keys.begin('|busy', await requestFingerprint('PATCH', '/docs/d', body), 60_000);
    const r = await app.request('/docs/d', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag, 'idempotency-key': 'busy' },
      body,
    });
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ code: 'idempotency', retryable: true });
    expect((await docs.get('d'))?.version).toBe(created.version);
    const bad = await app.request('/docs/d', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag, 'idempotency-key': 'has space' },
      body,
    });
    expect(bad.status).toBe(400);
  });
});
