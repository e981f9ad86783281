import fc from 'fast-check';
import type { Op } from 'noclobber';
import { autosave, merge3, resource } from 'noclobber/client';
import { applyOps } from 'noclobber/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDraftServer } from './draft-server.js';

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];
const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('x', 'y', 'z'), fc.boolean());
const record = fc.record(Object.fromEntries(KEYS.map((k) => [k, scalar])) as Record<string, typeof scalar>);
/** Edits as key → new value (or undefined = delete) on a subset of keys. */
const edits = fc.dictionary(fc.constantFrom(...KEYS), fc.option(scalar, { nil: undefined }), { maxKeys: 4 });

function applyEdits(base: Record<string, unknown>, e: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe('merge3 properties', () => {
  it('merging disjoint edits equals applying both', () => {
    fc.assert(
      fc.property(record, edits, edits, (base, mineEdits, theirsEdits) => {
        const theirsOnly = Object.fromEntries(Object.entries(theirsEdits).filter(([k]) => !(k in mineEdits)));
        const mine = applyEdits(base, mineEdits);
        const theirs = applyEdits(base, theirsOnly);
        const merged = merge3(base, mine, theirs);
        expect(merged.conflicts).toEqual([]);
        expect(merged.value).toEqual(applyEdits(applyEdits(base, mineEdits), theirsOnly));
      }),
    );
  });

  it('reported conflicts are exactly the paths changed on both sides, differently', () => {
    fc.assert(
      fc.property(record, edits, edits, (base, mineEdits, theirsEdits) => {
        const mine = applyEdits(base, mineEdits);
        const theirs = applyEdits(base, theirsEdits);
        const expected = KEYS.filter((k) => mine[k] !== base[k] && theirs[k] !== base[k] && mine[k] !== theirs[k]);
        expect(
          merge3(base, mine, theirs)
            .conflicts.map((c) => c.path.join('.'))
            .sort(),
        ).toEqual(expected.sort());
      }),
    );
  });
});

describe('client properties against a real server', () => {
  let server: Awaited<ReturnType<typeof startDraftServer>>;
  let n = 0;
  beforeAll(async () => {
    server = await startDraftServer();
  });
  afterAll(() => server.close());

  const op = fc.oneof(
    fc.record({
      op: fc.constant('set' as const),
      path: fc.constantFrom('title', 'body', 'theme.color', 'theme.size'),
      value: fc.constantFrom('p', 'q', 'r'),
    }),
    fc.record({
      op: fc.constant('inc' as const),
      path: fc.constantFrom('theme.n', 'theme.m'),
      by: fc.integer({ min: -3, max: 3 }),
    }),
    fc.record({ op: fc.constant('unset' as const), path: fc.constantFrom('theme.color', 'theme.n') }),
  );

  it('replaying an intent on an unchanged base equals applying it once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), async (ops) => {
        const id = `p${++n}`;
        await server.drafts.create(id, { id, title: 't', body: 'b', theme: { color: 'blue' } });
        const r = resource<Record<string, unknown>>(`${server.url}/drafts/${id}`);
        const base = await r.get();
        const result = await r.mutate(ops as Op[]);
        expect(result).toEqual(applyOps(base, ops as Op[]));
      }),
      { numRuns: 25 },
    );
  });

  it('the autosave queue: under any interleaving of saves and edits, one save in flight and the last edit lands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.constantFrom('x', 'y', 'z'), { minLength: 1, maxLength: 6 }),
        async (s, letters) => {
          const id = `s${++n}`;
          await server.drafts.create(id, { id, title: '', body: '', theme: null });
          let inFlight = 0;
          let maxInFlight = 0;
          const r = resource<Record<string, unknown>>(`${server.url}/drafts/${id}`, {
            fetch: async (input, init) => {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              try {
                // The scheduler decides when each response arrives, relative to edits and other saves.
                // The body is read before the response is held: Node's fetch (undici 6) can leave
                // a response held unread this way with all its bytes in and its stream never
                // closing (seen 1 run in ~40); a buffered response keeps every interleaving.
                const buffered = fetch(input, init).then(
                  async (r) => new Response(await r.text(), { status: r.status, headers: r.headers }),
                );
                return await s.schedule(buffered, `${init?.method ?? 'GET'}`);
              } finally {
                inFlight--;
              }
            },
          });
          const loading = r.get();
          await s.waitFor(loading);
          const saver = autosave(r, { debounceMs: 0, channel: false });
          const flushes: Promise<void>[] = [];
          for (const ch of letters) {
            saver.edit((v) => ({ ...v, title: `${v.title}${ch}` }));
            flushes.push(saver.flush());
          }
          await s.waitFor(Promise.all(flushes));
          // Bounded: a save that never finishes fails here with its state, not by exhausting memory.
          for (let spins = 0; saver.getSnapshot().dirty || saver.getSnapshot().saving; spins++) {
            if (spins > 1000) throw new Error(`autosave never settled: ${JSON.stringify(saver.getSnapshot())}`);
            await s.waitFor(
              Promise.race([saver.flush(), new Promise((res) => setTimeout(res, 5))]).then(() => undefined),
            );
          }
          saver.dispose();
          expect(maxInFlight).toBe(1);
          expect((await server.drafts.get(id))?.value.title).toBe(letters.join(''));
        },
      ),
      { numRuns: 20 },
    );
  });
});
