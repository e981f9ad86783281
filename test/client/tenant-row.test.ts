import fc from 'fast-check';
import { autosave, ConflictStore, elementSegment, resource } from 'noclobber/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenantServer } from './tenant-server.js';

interface Section {
  id: string;
  title: string;
}
interface Tenant {
  [field: string]: unknown;
  id: string;
  name: string;
  plan: string;
  landingPageConfigDraft: { headline: string; sections: Section[] };
}

describe("seed 002's Tenant row: the client never reverts what it did not change", () => {
  let server: Awaited<ReturnType<typeof startTenantServer>>;
  let n = 0;
  beforeAll(async () => {
    server = await startTenantServer();
  });
  afterAll(() => server.close());

  const newTenant = async (plan = 'pro') => {
    const id = `t${++n}`;
    await server.tenants.create(id, {
      id,
      name: 'Acme',
      plan,
      landingPageConfigDraft: { headline: 'Book your stay', sections: [{ id: 's1', title: 'Rooms' }] },
    });
    return { id, url: `${server.url}/tenants/${id}` };
  };
  /** The seed's other code: `prisma.tenant.update({ data: { plan } })` — it does not bump the draft version. */
  const changePlan = (id: string, plan: string) =>
    server.db.prepare('UPDATE tenants SET plan = ? WHERE id = ?').run(plan, id);
  const stored = async (id: string) => (await server.tenants.get(id))?.value as Tenant;

  it('another writer changes plan while a tab autosaves the draft: both survive, under any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.string({ minLength: 1, maxLength: 8 }), async (s, headline) => {
        const { id, url } = await newTenant();
        const bodies: unknown[] = [];
        const tab = resource<Tenant>(url, {
          fetch: async (input, init) => {
            if (init?.method === 'PATCH' || init?.method === 'PUT')
              bodies.push({ method: init.method, body: JSON.parse(String(init.body)) });
            const buffered = fetch(input, init).then(
              async (r) => new Response(await r.text(), { status: r.status, headers: r.headers }),
            );
            return s.schedule(buffered, init?.method ?? 'GET');
          },
        });
        const other = s.schedule(Promise.resolve(), 'other code sets plan').then(() => changePlan(id, 'enterprise'));
        await s.waitFor(tab.get());
        const saver = autosave(tab, { debounceMs: 0, channel: false });
        saver.edit((t) => ({ ...t, landingPageConfigDraft: { ...t.landingPageConfigDraft, headline } }));
        await s.waitFor(Promise.all([saver.flush(), other]));
        saver.dispose();
        const row = await stored(id);
        expect(row.plan).toBe('enterprise');
        expect(row.landingPageConfigDraft.headline).toBe(headline);
        expect(bodies).toEqual([{ method: 'PATCH', body: { landingPageConfigDraft: { headline } } }]);
      }),
      { seed: 16002, numRuns: 30 },
    );
  });

  it('the old whole-row save is exactly the lost update the seed reported (control)', async () => {
    const { id, url } = await newTenant();
    const read = await fetch(url);
    const row = (await read.json()) as Tenant;
    changePlan(id, 'enterprise');
    const put = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': read.headers.get('etag') as string },
      body: JSON.stringify({ ...row, landingPageConfigDraft: { ...row.landingPageConfigDraft, headline: 'x' } }),
    });
    expect(put.status).toBe(200); // the draft version did not move, so the stale row is accepted
    expect((await stored(id)).plan).toBe('pro'); // …and plan is reverted from enterprise
  });

  it('two tabs append sections at once: both sections survive, no conflict', async () => {
    const { id, url } = await newTenant();
    const conflicts = new ConflictStore();
    const [a, b] = [resource<Tenant>(url, { conflicts }), resource<Tenant>(url, { conflicts })];
    await Promise.all([a.get(), b.get()]);
    const add = (s: Section) => (t: Tenant) => ({
      ...t,
      landingPageConfigDraft: { ...t.landingPageConfigDraft, sections: [...t.landingPageConfigDraft.sections, s] },
    });
    const [sa, sb] = [autosave(a, { debounceMs: 0, channel: false }), autosave(b, { debounceMs: 0, channel: false })];
    sa.edit(add({ id: 'from-a', title: 'Spa' }));
    sb.edit(add({ id: 'from-b', title: 'Dining' }));
    await Promise.all([sa.flush(), sb.flush()]);
    changePlan(id, 'enterprise');
    sa.edit((t) => ({
      ...t,
      landingPageConfigDraft: {
        ...t.landingPageConfigDraft,
        sections: t.landingPageConfigDraft.sections.filter((s) => s.id !== 's1'),
      },
    }));
    await sa.flush();
    expect(conflicts.getSnapshot()).toEqual([]);
    const row = await stored(id);
    expect(row.landingPageConfigDraft.sections.map((s) => s.id).sort()).toEqual(['from-a', 'from-b']);
    expect(row.plan).toBe('enterprise');
    sa.dispose();
    sb.dispose();
  });

  it("two tabs retitle the same section: one conflict at that element's field, resolved as chosen, plan untouched", async () => {
    const { id, url } = await newTenant();
    const conflicts = new ConflictStore();
    const [a, b] = [resource<Tenant>(url, { conflicts }), resource<Tenant>(url, { conflicts })];
    const base = await a.get();
    await b.get();
    const retitle = (title: string) => (t: Tenant) => ({
      ...t,
      landingPageConfigDraft: {
        ...t.landingPageConfigDraft,
        sections: t.landingPageConfigDraft.sections.map((s) => (s.id === 's1' ? { ...s, title } : s)),
      },
    });
    expect(await a.save(retitle('Suites')(base), base)).toBe('saved');
    changePlan(id, 'enterprise');
    expect(await b.save(retitle('Chambers')(base), base)).toBe('conflict');
    const [entry] = conflicts.getSnapshot();
    const path = ['landingPageConfigDraft', 'sections', elementSegment('id', 's1'), 'title'];
    expect(entry?.conflicts).toEqual([{ path, base: 'Rooms', mine: 'Chambers', theirs: 'Suites' }]);
    expect(await entry?.resolve({ [path.join('.')]: 'mine' })).toBe('saved');
    const row = await stored(id);
    expect(row.landingPageConfigDraft.sections).toEqual([{ id: 's1', title: 'Chambers' }]);
    expect(row.plan).toBe('enterprise');
  });
});
