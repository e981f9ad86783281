import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Hono } from 'hono';
import { collection } from 'noclobber';
import { honoResource } from 'noclobber/hono';
import {
  collectionIdempotency,
  formatETag,
  HeldKey,
  IdempotencyError,
  type IdempotencyRecord,
  parseIdempotencyKey,
  requestFingerprint,
} from 'noclobber/http';
import { MemoryStore } from 'noclobber/memory';
import { SqliteStore } from 'noclobber/sqlite';
import { describe, expect, it } from 'vitest';
import { fixture, frameworks } from './frameworks.js';

function setup() {
  const db = new Database(':memory:');
  db.exec(
    'CREATE TABLE idempotency_keys (id TEXT PRIMARY KEY, version INTEGER NOT NULL, fingerprint TEXT, state TEXT, response TEXT, expires_at REAL)',
  );
  db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, n REAL)');
  const keys = collectionIdempotency(
    collection(new SqliteStore<IdempotencyRecord>(db, { table: 'idempotency_keys', key: 'id', json: ['response'] })),
  );
  const docs = collection(new SqliteStore(db, { table: 'docs', key: 'id' }));
  return { keys, docs };
}

describe('Idempotency-Key store', () => {
  it('claims a key once; in flight, mismatch, completed and expired are told apart', async () => {
    const { keys } = setup();
    expect(await keys.begin('k', 'fp1', 60_000)).toEqual({ state: 'started', token: '1' });
    expect(await keys.begin('k', 'fp1', 60_000)).toEqual({ state: 'in_flight' });
    expect(await keys.begin('k', 'fp2', 60_000)).toEqual({ state: 'mismatch' });
    await keys.complete('k', { status: 200, headers: [['etag', '"x.2"']], body: '{}' });
    expect(await keys.begin('k', 'fp1', 60_000)).toEqual({
      state: 'completed',
      response: { status: 200, headers: [['etag', '"x.2"']], body: '{}' },
    });
    expect(await keys.begin('old', 'fp', -1)).toEqual({ state: 'started', token: '1' });
    expect(await keys.begin('old', 'fp', 60_000)).toEqual({ state: 'started', token: '2' }); // expired: taken over
    await keys.abandon('old', '1'); // the first claimant's release leaves the new claim alone
    expect(await keys.begin('old', 'fp', 60_000)).toEqual({ state: 'in_flight' });
    await keys.abandon('old', '2');
    const again = await keys.begin('old', 'fp', 60_000);
    expect(again).toMatchObject({ state: 'started' });
    // A claim's token is the record's version, and versions never come again: the
    // earlier claimants' tokens fence nothing of the new claim.
    expect(['1', '2']).not.toContain((again as { token: string }).token);
    await keys.abandon('old', '1');
    expect(await keys.begin('old', 'fp', 60_000)).toEqual({ state: 'in_flight' });
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
    app.all('/docs/:id', honoResource({ collection: docs, name: 'docs', idempotency: { store: keys } }) as never);
    const request = new Request('http://localhost/docs/d', {
      method: 'PATCH',
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': formatETag('docs/d', created.version),
        'idempotency-key': '"busy"',
      },
      body: '{"n":2}',
    });
    await keys.begin(
      JSON.stringify(['anonymous', 'busy']),
      await requestFingerprint(request.clone(), '{"n":2}'),
      60_000,
    );
    const r = await app.request(request);
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ code: 'idempotency', retryable: true });
    expect((await docs.get('d'))?.version).toBe(created.version);
  });
});

describe('Idempotency-Key completion and the write', () => {
  it('a claim taken over after it expired is never completed by the first request: its whole write rolls back (409)', async () => {
    const { keys, docs } = setup();
    await docs.create('d', { id: 'd', n: 1 });
    const first = await keys.begin('k', 'fp', -1); // expires at once
    const second = await keys.begin('k', 'fp', 60_000); // a retry takes it over
    expect([first, second]).toEqual([
      { state: 'started', token: '1' },
      { state: 'started', token: '2' },
    ]);
    const held = new HeldKey(keys, 'k', first.state === 'started' ? first.token : undefined);
    const attempt = docs.transact(async (tx) => {
      await tx.apply('d', [{ op: 'inc', path: 'n', by: 1 }]);
      await held.completeIn(tx, { status: 200, headers: [], body: '{}' });
    });
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyError);
    expect(held.completedInWrite).toBe(false);
    expect((await docs.get('d'))?.value.n).toBe(1);
    expect(await keys.begin('k', 'fp', 60_000)).toEqual({ state: 'in_flight' }); // still the second request's
  });

  it('keys in another database: two steps, completed after the write, and replayed', async () => {
    const { docs } = setup();
    const created = await docs.create('d', { id: 'd', n: 1 });
    const keys = collectionIdempotency(
      collection(new MemoryStore<IdempotencyRecord>({ key: 'id', json: ['response'] })),
    );
    const app = new Hono();
    app.all('/docs/:id', honoResource({ collection: docs, name: 'docs', idempotency: { store: keys } }) as never);
    const send = () =>
      app.request('/docs/d', {
        method: 'PATCH',
        headers: {
          'content-type': 'application/merge-patch+json',
          'if-match': formatETag('docs/d', created.version),
          'idempotency-key': '"two-step"',
        },
        body: '{"n":2}',
      });
    const [first, again] = [await send(), await send()];
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect((await docs.get('d'))?.version).toBe('2');
  });
});

describe('Idempotency-Key is an sf-string (IETF httpapi draft, RFC 9651)', () => {
  it.each([
    ['"order-1"', 'order-1'],
    ['  "order-1"  ', 'order-1'],
    ['"a\\"b\\\\c"', 'a"b\\c'],
    ['"k";exp=1;tag="x";flag', 'k'],
    ['order-1', undefined],
    ['"unterminated', undefined],
    ['"k" trailing', undefined],
    ['""', undefined],
    ['"bad\\escape"', undefined],
    ['"é"', undefined],
    [`"${'k'.repeat(256)}"`, undefined],
  ])('%s → %s', (header, key) => {
    expect(parseIdempotencyKey(header)).toBe(key);
  });

  it('every key of printable ASCII round-trips through its sf-string form', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
          minLength: 1,
          maxLength: 255,
        }),
        (key) => {
          expect(parseIdempotencyKey(`"${key.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).toBe(key);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

const fx = fixture();
let n = 0;
const userScoped = frameworks(
  fx.options({
    idempotency: { store: fx.options().idempotency!.store, scope: (req) => `user:${req.headers.get('x-user')}` },
  }),
);
for (const [i, fw] of frameworks(fx.options()).entries()) {
  describe(`Idempotency-Key over HTTP on ${fw.name}`, () => {
    const create = async () => {
      const id = `${fw.name}-i${++n}`;
      const snap = await fx.subs.create(id, { id, plan: 'pro', notes: '' });
      return { id, etag: formatETag(`subscriptions/${id}`, snap.version) };
    };
    const patch = (id: string, headers: Record<string, string>, body = '{"notes":"once"}') =>
      fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'content-type': 'application/merge-patch+json', ...headers },
        body,
      });
    const version = async (id: string) => (await fx.subs.get(id))?.version;

    it('the quoted key replays; an unquoted one is 400 with nothing written', async () => {
      const { id, etag } = await create();
      expect((await patch(id, { 'if-match': etag, 'idempotency-key': 'bare' })).status).toBe(400);
      expect(await version(id)).toBe('1');
      const first = await patch(id, { 'if-match': etag, 'idempotency-key': `"q-${id}"` });
      const again = await patch(id, { 'if-match': etag, 'idempotency-key': ` "q-${id}" ` });
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await version(id)).toBe('2');
    });

    it('refusals decided before the write are not stored: after fixing the request, the same key writes', async () => {
      const { id, etag } = await create();
      const key = { 'idempotency-key': `"fix-${id}"` };
      expect((await patch(id, key)).status).toBe(428);
      expect(
        (
          await fw.send({
            method: 'PATCH',
            path: `/subscriptions/${id}`,
            headers: { ...key, 'if-match': etag, 'content-type': 'text/plain' },
            body: 'x',
          })
        ).status,
      ).toBe(415);
      const stale = formatETag(`subscriptions/${id}`, '7');
      expect((await patch(id, { ...key, 'if-match': stale })).status).toBe(412);
      const fixed = await patch(id, { ...key, 'if-match': etag });
      expect(fixed.status).toBe(200);
      expect(fixed.headers['idempotent-replayed']).toBeUndefined();
      expect(await version(id)).toBe('2');
    });

    it('the fingerprint covers the precondition headers: the same key and body with another If-Match is 422', async () => {
      const { id, etag } = await create();
      const key = { 'idempotency-key': `"fp-${id}"` };
      expect((await patch(id, { ...key, 'if-match': etag })).status).toBe(200);
      expect((await patch(id, { ...key, 'if-match': '*' })).status).toBe(422);
      expect((await patch(id, { ...key, 'if-match': etag }, '{"notes":"other"}')).status).toBe(422);
      expect(await version(id)).toBe('2');
    });

    it('keys are scoped per caller by default: another caller’s identical request is not answered from the first one’s', async () => {
      const { id, etag } = await create();
      const h = { 'if-match': etag, 'idempotency-key': `"order-${id}"` };
      const alice = await patch(id, { ...h, authorization: 'Bearer alice' });
      expect(alice.status).toBe(200);
      const bob = await patch(id, { ...h, authorization: 'Bearer bob' });
      expect(bob.status).toBe(412); // ran for bob, against the record alice changed
      expect(bob.headers['idempotent-replayed']).toBeUndefined();
      expect((await patch(id, { ...h, authorization: 'Bearer alice' })).headers['idempotent-replayed']).toBe('true');
    });

    it('a scope function names the principal: the same user replays across credentials', async () => {
      const { id, etag } = await create();
      const scoped = userScoped[i] as typeof fw;
      const h = {
        'content-type': 'application/merge-patch+json',
        'if-match': etag,
        'idempotency-key': '"u"',
        'x-user': `u-${id}`,
      };
      const first = await scoped.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { ...h, authorization: 'Bearer old' },
        body: '{"notes":"u"}',
      });
      const again = await scoped.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { ...h, authorization: 'Bearer new' },
        body: '{"notes":"u"}',
      });
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await version(id)).toBe('2');
    });
  });
}
