import { inc, set } from 'noclobber';
import { autosave, ClientError, ConflictStore, resource } from 'noclobber/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDraftServer } from './draft-server.js';

interface Draft {
  id: string;
  title: string;
  body: string;
  theme: Record<string, unknown> | null;
}

describe('noclobber/client against a real server', () => {
  let server: Awaited<ReturnType<typeof startDraftServer>>;
  let n = 0;
  beforeAll(async () => {
    server = await startDraftServer();
  });
  afterAll(() => server.close());
  const newDraft = async () => {
    const id = `d${++n}`;
    await server.drafts.create(id, { id, title: 'Title', body: 'Body', theme: { color: 'blue' } });
    return `${server.url}/drafts/${id}`;
  };

  it('the server is mounted for every method: OPTIONS and 405 carry Allow, HEAD has GET’s headers and no body', async () => {
    const url = await newDraft();
    const options = await fetch(url, { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, PUT, PATCH, OPTIONS']);
    const del = await fetch(url, { method: 'DELETE', headers: { 'if-match': '*' } });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, OPTIONS');
    expect(await del.json()).toMatchObject({ code: 'method_not_allowed' });
    const [get, head] = [await fetch(url), await fetch(url, { method: 'HEAD' })];
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
    expect(await head.text()).toBe('');
    expect(await server.drafts.get(url.split('/').pop() as string)).toBeDefined();
  });

  it('replays a function intent on the fresh version instead of resending a stale payload', async () => {
    const url = await newDraft();
    const a = resource<Draft>(url);
    const b = resource<Draft>(url);
    await a.get();
    await b.get();
    await a.mutate((d) => ({ ...d, title: 'A title' }));
    let runs = 0;
    const result = await b.mutate((d) => {
      runs++;
      return { ...d, body: `${d.body} + B` };
    });
    expect(runs).toBe(2); // ran on the stale copy, got 412, re-ran on the fresh one
    expect(result).toMatchObject({ title: 'A title', body: 'Body + B' });
    expect((await server.drafts.get(url.split('/').pop() as string))?.value).toMatchObject({
      title: 'A title',
      body: 'Body + B',
    });
  });

  it('replays ops intents too', async () => {
    const url = await newDraft();
    const a = resource<Draft>(url);
    const b = resource<Draft>(url);
    await Promise.all([a.get(), b.get()]);
    await a.mutate([set('theme.size', 1)]);
    const r = await b.mutate([set('theme.font', 'serif')]);
    expect(r.theme).toEqual({ color: 'blue', size: 1, font: 'serif' });
  });

  it('gives up after its attempts with a ClientError that says conflict', async () => {
    const url = await newDraft();
    const a = resource<Draft>(url, { attempts: 1 });
    await a.get();
    await resource<Draft>(url).mutate((d) => ({ ...d, title: 'moved' }));
    const err = await a.mutate((d) => ({ ...d, title: 'mine' })).catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err.isConflict).toBe(true);
    expect(err.problem).toMatchObject({ code: 'conflict', reason: 'stale' });
  });

  it('save merges disjoint edits without asking', async () => {
    const url = await newDraft();
    const conflicts = new ConflictStore();
    const a = resource<Draft>(url, { conflicts });
    const b = resource<Draft>(url, { conflicts });
    const base = await a.get();
    await b.get();
    expect(await a.save({ ...base, title: 'from A' }, base)).toBe('saved');
    expect(await b.save({ ...base, body: 'from B' }, base)).toBe('saved');
    expect(conflicts.getSnapshot()).toEqual([]);
    expect((await a.get()) as Draft).toMatchObject({ title: 'from A', body: 'from B' });
  });

  it('a field changed on both sides goes to the ConflictStore, and is resubmitted with the chosen value', async () => {
    const url = await newDraft();
    const conflicts = new ConflictStore();
    const seen: number[] = [];
    conflicts.subscribe(() => seen.push(conflicts.getSnapshot().length));
    const a = resource<Draft>(url, { conflicts });
    const b = resource<Draft>(url, { conflicts });
    const base = await a.get();
    await b.get();
    await a.save({ ...base, title: 'A wins?', body: 'A body' }, base);
    expect(await b.save({ ...base, title: 'B wins?' }, base)).toBe('conflict');
    const [entry] = conflicts.getSnapshot();
    expect(entry?.conflicts).toEqual([{ path: ['title'], base: 'Title', mine: 'B wins?', theirs: 'A wins?' }]);
    expect(b.getSnapshot().status).toBe('conflict');
    await entry?.resolve({ title: 'mine' });
    expect(conflicts.getSnapshot()).toEqual([]);
    expect(seen).toEqual([1, 0]);
    expect((await a.get()) as Draft).toMatchObject({ title: 'B wins?', body: 'A body' });
  });

  it('a refused request is a ClientError carrying the problem document', async () => {
    const url = await newDraft();
    const a = resource<Draft>(url);
    await a.get();
    const err = await a.mutate([inc('title', 1)]).catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err.status).toBe(422);
    expect(err.problem).toMatchObject({ reason: 'type_mismatch' });
  });

  it('autosave coalesces a burst of edits into one save and keeps one save in flight', async () => {
    const url = await newDraft();
    const d = resource<Draft>(url);
    await d.get();
    let inFlight = 0;
    let maxInFlight = 0;
    let writes = 0;
    const bodies: unknown[] = [];
    const counting = resource<Draft>(url, {
      fetch: async (input, init) => {
        if (init?.method === 'PUT') throw new Error('autosave must never send the whole record');
        if (init?.method === 'PATCH') {
          writes++;
          bodies.push(JSON.parse(String(init.body)));
        }
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    await counting.get();
    const saver = autosave(counting, { debounceMs: 30, channel: false });
    // Waits on the saver's own state, not the clock: a busy machine makes saves slow, never different.
    const settled = () =>
      new Promise<void>((resolve) => {
        const check = () => {
          const s = saver.getSnapshot();
          if (s.saving || s.dirty) return;
          off();
          resolve();
        };
        const off = saver.subscribe(check);
        check();
      });
    for (const ch of 'hello') saver.edit((v) => ({ ...v, title: `${v.title}${ch}` }));
    expect(saver.getSnapshot().dirty).toBe(true);
    await settled();
    expect(writes).toBe(1);
    expect(bodies).toEqual([{ title: 'Titlehello' }]); // only the changed field, as a merge patch
    saver.edit((v) => ({ ...v, body: 'one' }));
    const during = saver.flush();
    saver.edit((v) => ({ ...v, body: 'two' }));
    await during;
    // 'two' was edited while 'one' was in flight: it is saved next, by the debounce, not alongside.
    expect(saver.getSnapshot().dirty).toBe(true);
    await settled();
    await saver.flush();
    expect(writes).toBe(3);
    expect(bodies.slice(1)).toEqual([{ body: 'one' }, { body: 'two' }]);
    expect(maxInFlight).toBe(1);
    expect(saver.getSnapshot().dirty).toBe(false);
    expect(await d.get()).toMatchObject({ title: 'Titlehello', body: 'two' });
    saver.dispose();
  });
});
