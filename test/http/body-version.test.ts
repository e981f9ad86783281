import { formatETag } from 'noclobber/http';
import { describe, expect, it } from 'vitest';
import { fixture, frameworks } from './frameworks.js';

// Seed 003: clients read `version` from the body, send it back, and branch on the code
// CONFLICT_VERSION_MISMATCH with the server's current version in the error payload.
const fx = fixture();
const seed003 = frameworks(fx.options({ bodyVersion: 'version', conflictCode: 'CONFLICT_VERSION_MISMATCH' }));
const defaults = frameworks(fx.options());
let n = 0;

for (const [i, fw] of seed003.entries()) {
  describe(`version in the body on ${fw.name}`, () => {
    const create = async () => {
      const id = `${fw.name}-b${++n}`;
      await fx.subs.create(id, { id, plan: 'pro', status: 'active', notes: '' });
      return id;
    };
    const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
      fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'content-type': 'application/merge-patch+json', ...headers },
        body: JSON.stringify(body),
      });

    it('GET carries the version in the body and the ETag; a write takes it back and answers the next one', async () => {
      const id = await create();
      const read = await fw.send({ method: 'GET', path: `/subscriptions/${id}` });
      expect(read.json()).toMatchObject({ id, plan: 'pro', version: 1 });
      expect(read.headers.etag).toBe(formatETag(`subscriptions/${id}`, '1'));
      const saved = await patch(id, { version: read.json().version, notes: 'support note' });
      expect(saved.status).toBe(200);
      expect(saved.json()).toMatchObject({ notes: 'support note', version: 2 });
      expect((await fx.subs.get(id))?.value).not.toHaveProperty('version');
    });

    it('a stale body version is 409 with the configured code and the current version, nothing written', async () => {
      const id = await create();
      expect((await patch(id, { version: 1, status: 'paused' })).status).toBe(200);
      const stale = await patch(id, { version: 1, notes: 'late' });
      expect(stale.status).toBe(409);
      expect(stale.json()).toMatchObject({
        code: 'CONFLICT_VERSION_MISMATCH',
        reason: 'stale',
        version: 2,
        currentVersion: '2',
        expectedVersion: '1',
      });
      expect(stale.headers.etag).toBe(formatETag(`subscriptions/${id}`, '2'));
      const viaHeader = await patch(id, { notes: 'late' }, { 'if-match': formatETag(`subscriptions/${id}`, '1') });
      expect(viaHeader.status).toBe(412);
      expect(viaHeader.json()).toMatchObject({ code: 'CONFLICT_VERSION_MISMATCH', version: 2 });
      expect((await fx.subs.get(id))?.value.notes).toBe('');
    });

    it('a body version that is not a version is 400 and never echoed; If-None-Match: * with a body version is 400', async () => {
      const id = await create();
      for (const v of ['<svg onload=x>', 1.5, -1, true, { $gt: 0 }]) {
        const got = await patch(id, { version: v, notes: 'x' });
        expect(got.status, JSON.stringify(v)).toBe(400);
        expect(got.text).not.toContain('<svg');
      }
      const create2 = await fw.send({
        method: 'PUT',
        path: `/subscriptions/${id}-new`,
        headers: { 'if-none-match': '*', 'content-type': 'application/json' },
        body: JSON.stringify({ plan: 'pro', version: 1 }),
      });
      expect(create2.status).toBe(400);
      expect(await fx.subs.get(`${id}-new`)).toBeUndefined();
      expect((await fx.subs.get(id))?.version).toBe('1');
    });

    it('without the options the defaults stand: no version in the body, the code is conflict', async () => {
      const id = await create();
      const plain = defaults[i] as typeof fw;
      const read = await plain.send({ method: 'GET', path: `/subscriptions/${id}` });
      expect(read.json()).not.toHaveProperty('version');
      const stale = await plain.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'content-type': 'application/merge-patch+json', 'if-match': formatETag(`subscriptions/${id}`, '5') },
        body: '{"notes":"x"}',
      });
      expect(stale.status).toBe(412);
      expect(stale.json()).toMatchObject({ code: 'conflict', reason: 'stale' });
      expect(stale.json()).not.toHaveProperty('version');
    });
  });
}
