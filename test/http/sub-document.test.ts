import Database from 'better-sqlite3';
import fc from 'fast-check';
import { collection, set } from 'noclobber';
import { serveResource } from 'noclobber/http';
import { SqliteStore } from 'noclobber/sqlite';
import { describe, expect, it } from 'vitest';
import { frameworks } from './frameworks.js';

// Seed 002: the draft lives in columns of the shared Tenant row, next to columns other code
// writes (`plan`), with its own version column `landingPageConfigDraftVersion`.
function tenants() {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE "Tenant" (
    id TEXT PRIMARY KEY, plan TEXT, version INTEGER NOT NULL DEFAULT 1,
    "landingPageConfigDraft" TEXT, "landingPageConfigDraftVersion" INTEGER NOT NULL DEFAULT 0)`);
  const store = (version: string) =>
    new SqliteStore(db, { table: 'Tenant', key: 'id', version, json: ['landingPageConfigDraft'] });
  return {
    db,
    byDraftVersion: collection(store('landingPageConfigDraftVersion')),
    byRowVersion: collection(store('version')),
  };
}

const draft = (headline: string) => JSON.stringify({ landingPageConfigDraft: { headline, sections: [] } });
const mount = { base: '/tenants', suffix: '/draft' };

describe('a sub-document with its own version column (seed 002 as written)', () => {
  const t = tenants();
  const served = frameworks(
    { collection: t.byDraftVersion, name: 'tenant-drafts', fields: ['landingPageConfigDraft'] },
    mount,
  );
  let n = 0;
  for (const fw of served) {
    const seed = () => {
      const id = `${fw.name}-${++n}`;
      t.db
        .prepare(
          `INSERT INTO "Tenant" (id, plan, "landingPageConfigDraft") VALUES (?, 'pro', '{"headline":"v0","sections":[]}')`,
        )
        .run(id);
      return id;
    };
    const put = (id: string, etag: string, body: string) =>
      fw.send({
        method: 'PUT',
        path: `/tenants/${id}/draft`,
        headers: { 'if-match': etag, 'content-type': 'application/json' },
        body,
      });

    it(`${fw.name}: another writer changes plan while a tab saves the draft: both survive, and the draft's ETag did not move`, async () => {
      const id = seed();
      const read = await fw.send({ method: 'GET', path: `/tenants/${id}/draft` });
      expect(read.json()).toEqual({ landingPageConfigDraft: { headline: 'v0', sections: [] } });
      // Other code: not noclobber, does not bump the draft version.
      t.db.prepare(`UPDATE "Tenant" SET plan = 'enterprise' WHERE id = ?`).run(id);
      const saved = await put(id, read.headers.etag as string, draft('mine'));
      expect(saved.status).toBe(200);
      const row = t.db.prepare(`SELECT * FROM "Tenant" WHERE id = ?`).get(id) as Record<string, unknown>;
      expect(row.plan).toBe('enterprise');
      expect(JSON.parse(row.landingPageConfigDraft as string)).toEqual({ headline: 'mine', sections: [] });
      // A second tab holding the first ETag: the draft moved, so 412 and nothing written.
      const late = await put(id, read.headers.etag as string, draft('theirs'));
      expect(late.status).toBe(412);
      expect(late.headers.etag).toBe(saved.headers.etag);
      expect((await t.byDraftVersion.get(id))?.value.landingPageConfigDraft).toEqual({
        headline: 'mine',
        sections: [],
      });
    });

    it(`${fw.name}: a sub-document write can name only its own fields; DELETE is not served`, async () => {
      const id = seed();
      const etag = (await fw.send({ method: 'GET', path: `/tenants/${id}/draft` })).headers.etag as string;
      const send = (method: string, type: string, body: string) =>
        fw.send({ method, path: `/tenants/${id}/draft`, headers: { 'if-match': etag, 'content-type': type }, body });
      for (const [method, type, body] of [
        ['PATCH', 'application/merge-patch+json', '{"plan":"free"}'],
        ['PATCH', 'application/vnd.noclobber.ops+json', '[{"op":"set","path":"plan","value":"free"}]'],
        ['PATCH', 'application/vnd.noclobber.ops+json', '[{"op":"merge","path":"","value":{"plan":"free"}}]'],
        ['PUT', 'application/json', '{"landingPageConfigDraft":{},"plan":"free"}'],
      ] as const) {
        const got = await send(method, type, body);
        expect(got.status, body).toBe(422);
        expect(got.json()).toMatchObject({ reason: 'unknown_field', path: 'plan' });
      }
      const del = await fw.send({ method: 'DELETE', path: `/tenants/${id}/draft`, headers: { 'if-match': etag } });
      expect(del.status).toBe(405);
      expect(del.headers.allow).toBe('GET, HEAD, PUT, PATCH, OPTIONS');
      expect((t.db.prepare(`SELECT plan FROM "Tenant" WHERE id = ?`).get(id) as { plan: string }).plan).toBe('pro');
      const patched = await send(
        'PATCH',
        'application/vnd.noclobber.ops+json',
        '[{"op":"set","path":"landingPageConfigDraft.headline","value":"p"}]',
      );
      expect(patched.status).toBe(200);
      expect(patched.json()).toEqual({ landingPageConfigDraft: { headline: 'p', sections: [] } });
    });
  }
});

describe('a sub-document validated by its content (`etag: content`) on a table with one row version', () => {
  const t = tenants();
  const drafts = serveResource({
    collection: t.byRowVersion,
    name: 'tenant-drafts',
    fields: ['landingPageConfigDraft'],
    etag: 'content',
  });
  const at = (id: string) => `http://x/tenants/${id}/draft`;
  const put = (id: string, etag: string, body: string) =>
    drafts(
      new Request(at(id), { method: 'PUT', headers: { 'if-match': etag, 'content-type': 'application/json' }, body }),
      id,
    );

  it('changes of other columns (through noclobber, bumping the row version) do not move the draft’s ETag; changes of the draft do', async () => {
    await t.byRowVersion.create('c1', { id: 'c1', plan: 'pro', landingPageConfigDraft: { headline: 'v0' } });
    const read = await drafts(new Request(at('c1')), 'c1');
    const etag = read.headers.get('etag') as string;
    await t.byRowVersion.apply('c1', [set('plan', 'enterprise')]);
    const again = await drafts(new Request(at('c1')), 'c1');
    expect(again.headers.get('etag')).toBe(etag);
    const saved = await put('c1', etag, draft('mine'));
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).not.toBe(etag);
    expect((await t.byRowVersion.get('c1'))?.value).toMatchObject({
      plan: 'enterprise',
      landingPageConfigDraft: { headline: 'mine', sections: [] },
    });
    const late = await put('c1', etag, draft('theirs'));
    expect(late.status).toBe(412);
    expect(late.headers.get('etag')).toBe(saved.headers.get('etag'));
    expect((await t.byRowVersion.get('c1'))?.value.landingPageConfigDraft).toEqual({ headline: 'mine', sections: [] });
  });

  it('every content ETag is a well-formed tag that matches its own content (generated drafts)', async () => {
    let k = 0;
    const drafts_ = fc.dictionary(
      fc.stringMatching(/^[a-z]{1,8}$/),
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
      { maxKeys: 6 },
    );
    await fc.assert(
      fc.asyncProperty(drafts_, drafts_, async (before, after) => {
        const id = `gen-${++k}`;
        await t.byRowVersion.create(id, { id, plan: 'pro', landingPageConfigDraft: before });
        const etag = (await drafts(new Request(at(id)), id)).headers.get('etag') as string;
        expect(etag).toMatch(/^"[0-9a-z]+\.c[0-9a-f]{24}"$/);
        const saved = await put(id, etag, JSON.stringify({ landingPageConfigDraft: after }));
        expect(saved.status).toBe(200);
        expect((await t.byRowVersion.get(id))?.value.plan).toBe('pro');
      }),
      { seed: 2, numRuns: 100 },
    );
  });

  it('the write is pinned to the row version read: a draft change slipping in between is judged again (412)', async () => {
    await t.byRowVersion.create('c2', { id: 'c2', plan: 'pro', landingPageConfigDraft: { headline: 'v0' } });
    const etag = (await drafts(new Request(at('c2')), 'c2')).headers.get('etag') as string;
    const store = t.byRowVersion.store;
    const get = store.get.bind(store);
    let interleave = true;
    store.get = async (key) => {
      const snap = await get(key);
      if (interleave) {
        interleave = false;
        await t.byRowVersion.apply('c2', [set('landingPageConfigDraft.headline', 'other tab')]);
      }
      return snap;
    };
    try {
      const got = await put('c2', etag, draft('mine'));
      expect(got.status).toBe(412);
      expect((await t.byRowVersion.get('c2'))?.value.landingPageConfigDraft).toEqual({ headline: 'other tab' });
    } finally {
      store.get = get;
    }
  });
});
