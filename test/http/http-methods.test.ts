import Database from 'better-sqlite3';
import { collection } from 'noclobber';
import { formatETag } from 'noclobber/http';
import { SqliteStore } from 'noclobber/sqlite';
import { describe, expect, it } from 'vitest';
import { fixture, frameworks } from './frameworks.js';

const fx = fixture();
const logged: unknown[] = [];
const ALL = 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS';
const PATCH_TYPES = 'application/merge-patch+json, application/vnd.noclobber.ops+json';

// A table dropped under a live store: every request meets a real driver error naming SQL.
const broken = new Database(':memory:');
broken.exec('CREATE TABLE secrets (id TEXT PRIMARY KEY, version INTEGER NOT NULL, plan TEXT)');
const brokenSubs = collection(new SqliteStore(broken, { table: 'secrets', key: 'id' }));
broken.exec('DROP TABLE secrets');

/** Nothing of an internal error may reach the client. */
function expectGeneric500(got: { status: number; headers: Record<string, string>; text: string }) {
  expect(got.status).toBe(500);
  expect(got.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(got.text)).toEqual({
    type: 'urn:noclobber:problem:internal',
    title: 'Internal server error',
    status: 500,
    code: 'internal',
    retryable: false,
  });
}

let n = 0;
const main = frameworks(fx.options({ onError: (e) => void logged.push(e) }));
const brokenApps = frameworks({ collection: brokenSubs, name: 'secrets', onError: (e) => void logged.push(e) });
const throwingApps = frameworks(
  fx.options({
    exposeCurrent: () => {
      throw new Error('cannot open /srv/app/secrets.json: SELECT * FROM users');
    },
    onError: (e) => void logged.push(e),
  }),
);

for (const [i, fw] of main.entries()) {
  describe(`methods and framing on ${fw.name}`, () => {
    const create = async () => {
      const id = `${fw.name}-m${++n}`;
      const snap = await fx.subs.create(id, { id, plan: 'pro', notes: '' });
      return { id, etag: formatETag(`subscriptions/${id}`, snap.version) };
    };

    it('OPTIONS answers 204 with Allow and Accept-Patch, without touching the record', async () => {
      const got = await fw.send({ method: 'OPTIONS', path: `/subscriptions/${fw.name}-nothing` });
      expect(got.status).toBe(204);
      expect(got.headers.allow).toBe(ALL);
      expect(got.headers['accept-patch']).toBe(PATCH_TYPES);
    });

    it('a method the resource does not serve is 405 with Allow', async () => {
      const { id } = await create();
      const got = await fw.send({
        method: 'POST',
        path: `/subscriptions/${id}`,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(got.status).toBe(405);
      expect(got.headers.allow).toBe(ALL);
      expect(got.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
    });

    it('HEAD sends GET’s headers, the right Content-Length and no body, for 200 and 404 alike', async () => {
      const { id } = await create();
      for (const path of [`/subscriptions/${id}`, `/subscriptions/${id}-missing`]) {
        const get = await fw.send({ method: 'GET', path });
        const head = await fw.send({ method: 'HEAD', path });
        expect(head.status).toBe(get.status);
        expect(head.text).toBe('');
        expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
        for (const h of ['etag', 'content-type']) expect(head.headers[h]).toBe(get.headers[h]);
      }
    });

    it('415 names what PATCH takes (Accept-Patch); PUT takes only JSON', async () => {
      const { id, etag } = await create();
      const patch = await fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'if-match': etag, 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(patch.status).toBe(415);
      expect(patch.headers['accept-patch']).toBe(PATCH_TYPES);
      for (const type of [
        undefined,
        'text/plain',
        'application/merge-patch+json',
        'application/json; charset=latin1',
      ]) {
        const put = await fw.send({
          method: 'PUT',
          path: `/subscriptions/${id}`,
          headers: { 'if-match': etag, ...(type ? { 'content-type': type } : {}) },
          body: '{"plan":"x"}',
        });
        expect(put.status, String(type)).toBe(415);
      }
      const ok = await fw.send({
        method: 'PUT',
        path: `/subscriptions/${id}`,
        headers: { 'if-match': etag, 'content-type': 'application/json; charset=UTF-8' },
        body: '{"plan":"x"}',
      });
      expect(ok.status).toBe(200);
      expect((await fx.subs.get(id))?.value.plan).toBe('x');
    });

    it('problems never echo input verbatim: header text is cut and escaped, an ill-formed version is never named', async () => {
      const { id } = await create();
      const hostile = `<script>${'x'.repeat(400)}</script>`;
      const malformed = await fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'if-match': hostile, 'content-type': 'application/merge-patch+json' },
        body: '{}',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.text).not.toContain('x'.repeat(60));
      expect(malformed.text).not.toContain('</script>');
      // The resource's own tag prefix, then a "version" no store writes: never matches, never echoed.
      const own = formatETag(`subscriptions/${id}`, '1').slice(1, -3);
      const forged = await fw.send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'if-match': `"${own}.<img>"`, 'content-type': 'application/merge-patch+json' },
        body: '{"notes":"x"}',
      });
      expect(forged.status).toBe(412);
      expect(forged.text).not.toContain('<img>');
      expect(forged.json().expectedVersion).toBeUndefined();
      expect((await fx.subs.get(id))?.version).toBe('1');
    });
  });

  describe(`errors that are not noclobber errors, on ${fw.name}`, () => {
    it('a driver error is a generic 500 naming no SQL, driver text, stack or path', async () => {
      const before = logged.length;
      for (const method of ['GET', 'PATCH']) {
        const got = await (brokenApps[i] as typeof fw).send({
          method,
          path: '/subscriptions/a',
          headers: { 'if-match': '*', 'content-type': 'application/merge-patch+json' },
          ...(method === 'GET' ? {} : { body: '{"plan":"x"}' }),
        });
        expectGeneric500(got);
        expect(got.text).not.toMatch(/secrets|sqlite|no such table|\/work|at /i);
      }
      expect(logged.length).toBe(before + 2);
      expect(String(logged.at(-1))).toMatch(/no such table/);
    });

    it('an error thrown by an application callback is the same generic 500', async () => {
      const id = `${fw.name}-cb${++n}`;
      await fx.subs.create(id, { id, plan: 'pro' });
      const got = await (throwingApps[i] as typeof fw).send({
        method: 'PATCH',
        path: `/subscriptions/${id}`,
        headers: { 'if-match': formatETag(`subscriptions/${id}`, '9'), 'content-type': 'application/merge-patch+json' },
        body: '{"plan":"x"}',
      });
      expectGeneric500(got);
      expect(got.text).not.toMatch(/srv|SELECT|users/);
    });
  });
}

describe('problemJson() for an app’s own Hono routes', () => {
  it('a noclobber error is its problem, any other error a generic 500, an HTTPException keeps its answer', async () => {
    const { Hono } = await import('hono');
    const { HTTPException } = await import('hono/http-exception');
    const { problemJson } = await import('noclobber/hono');
    const app = new Hono();
    app.onError((e) => (e instanceof HTTPException ? e.getResponse() : new Response(String(e), { status: 500 })));
    app.use(problemJson() as never);
    app.get('/gone', async () => {
      await fx.subs.apply('never-created', [{ op: 'set', path: 'plan', value: 'x' }]);
      return new Response('unreachable');
    });
    app.get('/boom', () => {
      throw new Error('ECONNREFUSED 10.0.0.5:5432 at /srv/app/db.js:12');
    });
    app.get('/auth', () => {
      throw new HTTPException(401, { message: 'log in' });
    });
    const gone = await app.request('/gone');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'conflict', reason: 'gone' });
    const boom = await app.request('/boom');
    expectGeneric500({
      status: boom.status,
      headers: Object.fromEntries(boom.headers.entries()),
      text: await boom.text(),
    });
    const auth = await app.request('/auth');
    expect(auth.status).toBe(401);
    expect(await auth.text()).toBe('log in');
  });
});
