import fc from 'fast-check';
import { set } from 'noclobber';
import { ClientError, type ConflictEntry, ConflictStore, resource } from 'noclobber/client';
import { useConflicts } from 'noclobber/react';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { startVersionServer } from './version-server.js';

interface Subscription {
  [field: string]: unknown;
  id: string;
  status: string;
  notes: string;
  metadata: Record<string, unknown>;
}

function ConflictList({ store }: { store: ConflictStore }) {
  const entries = useConflicts(store);
  return createElement('ul', null, ...entries.map((e) => createElement('li', { key: e.id }, `${e.reason} #${e.id}`)));
}

/**
 * Seed 003: a client retries on 409 CONFLICT_VERSION_MISMATCH; when its retry budget runs
 * out, the change lands in the ConflictStore (base, mine, theirs) for manual resolution.
 * Another writer (billing) changes `status` before each of the client's first `k` writes.
 */
describe('the retry budget runs out: the change waits in the ConflictStore (fast-check, fixed seed)', () => {
  it('with k interfering writes and n attempts: saved when k < n, queued with base/mine/theirs when k >= n; resolving saves both sides', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('save' as const, 'mutate' as const),
        fc.string({ maxLength: 6 }),
        async (k, n, how, notes) => {
          const server = startVersionServer();
          await server.subscriptions.create('s', { id: 's', status: 'active', notes: 'none', metadata: {} });
          let interfered = 0;
          const conflicts = new ConflictStore();
          const sub = resource<Subscription>('http://api.test/subscriptions/s', {
            versionField: 'version',
            conflictCode: 'CONFLICT_VERSION_MISMATCH',
            attempts: n,
            baseMs: 1,
            capMs: 2,
            conflicts,
            fetch: async (input, init) => {
              if (init?.method === 'PATCH' && interfered < k) {
                interfered++;
                await server.subscriptions.apply('s', [set('status', `billing-${interfered}`)]);
              }
              return server.fetch(input, init);
            },
          });
          const base = await sub.get();
          const mine = { ...base, notes: `mine:${notes}` };
          let outcome: 'saved' | 'conflict';
          if (how === 'save') outcome = await sub.save(mine, base);
          else {
            const err = await sub
              .mutate((s) => ({ ...s, notes: mine.notes }))
              .then(
                () => undefined,
                (e: unknown) => e,
              );
            outcome = err === undefined ? 'saved' : 'conflict';
            if (err) {
              expect(err).toBeInstanceOf(ClientError);
              expect((err as ClientError).conflict).toBe(conflicts.getSnapshot()[0]);
            }
          }
          const patches = server.seen.filter((r) => r.method === 'PATCH').length;
          const stored = async () => (await server.subscriptions.get('s'))?.value as Subscription;
          if (k < n) {
            expect(outcome).toBe('saved');
            expect(conflicts.getSnapshot()).toEqual([]);
            expect(patches).toBe(k + 1);
            expect(await stored()).toMatchObject({ notes: mine.notes, status: k === 0 ? 'active' : `billing-${k}` });
            return;
          }
          expect(outcome).toBe('conflict');
          expect(patches).toBe(n);
          expect(sub.getSnapshot().status).toBe('conflict');
          const entries = conflicts.getSnapshot();
          expect(entries).toHaveLength(1);
          const entry = entries[0] as ConflictEntry<Subscription>;
          expect(entry.reason).toBe('exhausted');
          expect(entry.mine.notes).toBe(mine.notes);
          expect(entry.theirs).toEqual(await stored()); // the server's latest, as read after the last refusal
          expect(entry.base.notes).toBe('none');
          expect(entry.conflicts).toEqual([]); // billing and the agent changed different fields
          expect((await stored()).notes).toBe('none'); // nothing written behind the person's back
          expect(renderToString(createElement(ConflictList, { store: conflicts }))).toBe(
            `<ul><li>exhausted #${entry.id}</li></ul>`,
          );
          // Manual resolution once billing is quiet: both sides' changes, written against the latest version.
          k = interfered;
          expect(await entry.resolve()).toBe('saved');
          expect(conflicts.getSnapshot()).toEqual([]);
          expect(sub.getSnapshot().status).toBe('idle');
          expect(await stored()).toMatchObject({ notes: mine.notes, status: `billing-${k}` });
        },
      ),
      { seed: 16003, numRuns: 60 },
    );
  });

  it('a field changed on both sides while retrying is a merge conflict, resolved with the value the person picks', async () => {
    const server = startVersionServer();
    await server.subscriptions.create('s', { id: 's', status: 'active', notes: 'none', metadata: {} });
    const conflicts = new ConflictStore();
    const sub = resource<Subscription>('http://api.test/subscriptions/s', {
      versionField: 'version',
      conflicts,
      fetch: server.fetch,
    });
    const base = await sub.get();
    await server.subscriptions.apply('s', [set('notes', 'theirs')]);
    expect(await sub.save({ ...base, notes: 'mine' }, base)).toBe('conflict');
    const [entry] = conflicts.getSnapshot();
    expect(entry).toMatchObject({
      reason: 'merge',
      conflicts: [{ path: ['notes'], base: 'none', mine: 'mine', theirs: 'theirs' }],
    });
    expect(await entry?.resolve({ notes: { value: 'both' } })).toBe('saved');
    expect((await server.subscriptions.get('s'))?.value.notes).toBe('both');
  });
});
