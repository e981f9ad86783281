import { formatETag } from 'noclobber/http';
import { describe, expect, it } from 'vitest';
import { type Fixture, fixture, frameworks } from './frameworks.js';

const fx: Fixture = fixture();
let n = 0;

for (const fw of frameworks(fx.options())) {
  describe(`noclobber/http on ${fw.name}`, () => {
    const create = async () => {
      const id = `${fw.name}-${++n}`;
      const r = await fw.send({
        method: 'PUT',
        path: `/subscriptions/${id}`,
        headers: { 'if-none-match': '*', 'content-type': 'application/json' },
        body: JSON.stringify({ plan: 'pro', status: 'active', notes: '' }),
      });
      expect(r.status).toBe(201);
      return { id, etag: r.headers.etag as string };
    };
    const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
      fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'content-type': 'application/merge-patch+json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const version = async (id: string) => (await fx.subs.get(id))?.version;

    // First: light-my-request (the no-port Express test) re-prototypes Express's shared response object.
    it('one real request over loopback', async () => {
      // Created directly: this runs before any no-port request touches the app.
      const id = `${fw.name}-live`;
      const created = await fx.subs.create(id, { id, plan: 'pro' });
      const etag = formatETag(`subscriptions/${id}`, created.version);
      const server = await fw.listen();
      try {
        const r = await fetch(`${server.url}/subscriptions/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag },
          body: '{"notes":"live"}',
        });
        expect(r.status).toBe(200);
        const stale = await fetch(`${server.url}/subscriptions/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag },
          body: '{"notes":"late"}',
        });
        expect(stale.status).toBe(412);
        expect(stale.headers.get('etag')).toBe(r.headers.get('etag'));
      } finally {
        await server.close();
      }
    });
    it('GET returns the value with a strong ETag; a matching If-None-Match is 304', async () => {
      const { id, etag } = await create();
      const r = await fw.send({ method: 'GET', path: `/subscriptions/${id}` });
      expect(r.status).toBe(200);
      expect(r.headers.etag).toBe(etag);
      expect(etag).toMatch(/^"[^"]+\.1"$/);
      expect(r.json()).toMatchObject({ id, plan: 'pro' });
      expect(
        (await fw.send({ method: 'GET', path: `/subscriptions/${id}`, headers: { 'if-none-match': etag } })).status,
      ).toBe(304);
      expect((await fw.send({ method: 'GET', path: `/subscriptions/missing-${n}` })).status).toBe(404);
    });

    it('an unsafe request without a precondition is 428 problem+json, nothing written', async () => {
      const { id } = await create();
      const r = await patch(id, { notes: 'x' });
      expect(r.status).toBe(428);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ status: 428, code: 'precondition', reason: 'required' });
      expect(await version(id)).toBe('1');
    });

    it('If-Match with the current ETag writes and returns the new ETag; a stale one is 412 with the current version and ETag', async () => {
      const { id, etag } = await create();
      const ok = await patch(id, { notes: 'first' }, { 'if-match': etag });
      expect(ok.status).toBe(200);
      expect(ok.headers.etag).not.toBe(etag);
      const stale = await patch(id, { notes: 'second' }, { 'if-match': etag });
      expect(stale.status).toBe(412);
      expect(stale.headers.etag).toBe(ok.headers.etag);
      expect(stale.json()).toMatchObject({
        code: 'conflict',
        reason: 'stale',
        currentVersion: '2',
        expectedVersion: '1',
      });
      expect(stale.json().current).toBeUndefined();
      const support = await patch(id, { notes: 'third' }, { 'if-match': etag, 'x-role': 'support' });
      expect(support.json().current).toMatchObject({ notes: 'first' });
      expect((await fx.subs.get(id))?.value.notes).toBe('first');
    });

    it.each([
      ['a malformed If-Match', { 'if-match': 'not-a-tag' }, 400, 'malformed'],
      ['a weak ETag', { 'if-match': 'W/"x.1"' }, 412, 'weak'],
      ['another resource’s ETag', { 'if-match': '"0000000.1"' }, 412, 'foreign'],
    ])('%s is refused with nothing written', async (_, headers, status, reason) => {
      const { id } = await create();
      const r = await patch(id, { notes: 'x' }, headers as Record<string, string>);
      expect(r.status).toBe(status);
      expect(r.json()).toMatchObject({ reason });
      expect(await version(id)).toBe('1');
    });

    it('an ETag from another resource at the same version never matches', async () => {
      const a = await create();
      const b = await create();
      const r = await patch(b.id, { notes: 'x' }, { 'if-match': a.etag });
      expect(r.status).toBe(412);
      expect(await version(b.id)).toBe('1');
    });

    it('bad bodies are 4xx problem+json with nothing written', async () => {
      const { id, etag } = await create();
      const h = { 'if-match': etag };
      expect((await patch(id, `{"notes":"${'x'.repeat(5000)}"}`, h)).status).toBe(413);
      expect((await patch(id, '{"meta":{"__proto__":{"admin":true}}}', h)).json()).toMatchObject({
        status: 400,
        reason: 'forbidden_key',
      });
      expect((await patch(id, '{"meta":{"a":{"constructor":{"prototype":1}}}}', h)).json()).toMatchObject({
        status: 400,
        reason: 'forbidden_key',
      });
      expect((await patch(id, { version: 99 }, h)).json()).toMatchObject({ status: 422, reason: 'protected_field' });
      expect((await patch(id, { id: 'other' }, h)).json()).toMatchObject({ status: 422, reason: 'protected_field' });
      expect((await patch(id, '{not json', h)).status).toBe(400);
      expect(
        (
          await fw.send({
            method: 'PATCH',
            path: `/subscriptions/${id}`,
            headers: { ...h, 'content-type': 'text/plain' },
            body: 'x',
          })
        ).status,
      ).toBe(415);
      expect(await version(id)).toBe('1');
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    it('ops PATCH, create-only PUT, checked DELETE', async () => {
      const { id, etag } = await create();
      const ops = await fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'content-type': 'application/vnd.noclobber.ops+json', 'if-match': etag },
        body: JSON.stringify([{ op: 'set', path: 'meta.seats', value: 3 }]),
      });
      expect(ops.status).toBe(200);
      expect(ops.json().meta).toEqual({ seats: 3 });
      const again = await fw.send({
        method: 'PUT',
        path: `/subscriptions/${id}`,
        headers: { 'if-none-match': '*', 'content-type': 'application/json' },
        body: '{"plan":"x"}',
      });
      expect(again.status).toBe(412);
      expect(again.json()).toMatchObject({ reason: 'exists' });
      expect(
        (await fw.send({ method: 'DELETE', path: `/subscriptions/${id}`, headers: { 'if-match': etag } })).status,
      ).toBe(412);
      expect(
        (
          await fw.send({
            method: 'DELETE',
            path: `/subscriptions/${id}`,
            headers: { 'if-match': ops.headers.etag as string },
          })
        ).status,
      ).toBe(204);
      expect(await fx.subs.get(id)).toBeUndefined();
    });

    it('force works only for an authorized caller, and every forced write is audited', async () => {
      const { id } = await create();
      const denied = await patch(`${id}?force=true`, { status: 'paused' }, { 'x-role': 'support' });
      expect(denied.status).toBe(403);
      const before = fx.audit().length;
      const forced = await patch(`${id}?force=true`, { status: 'paused' }, { 'x-role': 'admin' });
      expect(forced.status).toBe(200);
      expect(fx.audit().length).toBe(before + 1);
      expect(fx.audit().at(-1)).toMatchObject({
        method: 'PATCH',
        previousVersion: '1',
        version: '2',
        resourceId: `subscriptions/${id}`,
      });
      const deleted = await fw.send({
        method: 'DELETE',
        path: `/subscriptions/${id}?force=true`,
        headers: { 'x-role': 'admin' },
      });
      expect(deleted.status).toBe(204);
      expect(fx.audit().at(-1)).toMatchObject({ method: 'DELETE', previousVersion: '2', version: undefined });
      expect(await fx.subs.get(id)).toBeUndefined();
    });

    it('Idempotency-Key: a completed key replays, a different payload is 422, and nothing applies twice', async () => {
      const { id, etag } = await create();
      const h = { 'if-match': etag, 'idempotency-key': `"k-${fw.name}-${id}"` };
      const first = await patch(id, { notes: 'once' }, h);
      expect(first.status).toBe(200);
      const replay = await patch(id, { notes: 'once' }, h);
      expect(replay.status).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.etag).toBe(first.headers.etag);
      expect((await patch(id, { notes: 'other' }, h)).status).toBe(422);
      expect(await version(id)).toBe('2');
    });
  });
}
