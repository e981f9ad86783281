import fc from 'fast-check';
import { type Collection, collection, inc, type Key, type Row, set } from 'noclobber';
import { expect, it } from 'vitest';
import { ACCOUNTS, DOCS, type StoreHarness, TENANT_ITEMS } from './harness.js';
import { all, expectUnchanged, rejects, uid } from './support.js';

/** Every way to write against a version: each must refuse one taken from an earlier incarnation. */
async function expectStale(docs: Collection<Row>, key: Key, version: string, value: Row): Promise<void> {
  const attempts = [
    () => docs.replace(key, value, { expect: { version } }),
    () => docs.apply(key, [set('title', 'from an old tab')], { expect: { version } }),
    () => docs.delete(key, { expect: { version } }),
  ];
  for (const attempt of attempts) expect(await rejects(attempt)).toMatchObject({ code: 'conflict', reason: 'stale', expected: version });
}

/**
 * A version never names two incarnations of a record (issue 14): after a delete and a
 * create of the same key, no version or expectation taken from the first record matches the
 * second — in plain writes, in transactions, under a lock, and under concurrent deletes and
 * creates on separate connections.
 */
export function incarnationTests(harness: () => StoreHarness): void {
  it('create → read → delete → create: a write with the old version is a stale conflict', async () => {
    const docs = collection((await harness().table(DOCS)).store);
    const id = uid('aba');
    const first = await docs.create(id, { id, title: 'first', n: 1 });
    const read = await docs.get(id);
    expect(read?.version).toBe(first.version);
    await docs.delete(id);
    const second = await docs.create(id, { id, title: 'second', n: 2 });
    expect(second.version).not.toBe(first.version);
    await expectStale(docs, id, first.version, { id, title: 'clobbered' });
    await expectUnchanged(docs, second);
  });

  it('versions are unique per key across incarnations (generated histories, composite keys)', async () => {
    const table = await harness().table(TENANT_ITEMS);
    const items = collection(table.store);
    const step = fc.constantFrom('create', 'update', 'delete');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), async (steps) => {
        const key = { tenant: uid('t'), id: ++run };
        const seen: string[] = [];
        const incarnations: string[][] = [[]];
        for (const s of ['create', ...steps]) {
          const current = await items.get(key);
          if (s === 'create' && !current) seen.push((await items.create(key, { ...key, title: s })).version);
          else if (s === 'update' && current) seen.push((await items.apply(key, [set('title', `u${seen.length}`)])).version);
          else if (s === 'delete' && current) {
            await items.delete(key);
            incarnations.push([]);
            continue;
          } else continue;
          incarnations.at(-1)?.push(seen.at(-1) as string);
        }
        expect(new Set(seen).size, `versions ${seen.join(' ')}`).toBe(seen.length);
        // Every version of an earlier incarnation is refused by the current one.
        const now = await items.get(key);
        if (!now) return;
        for (const old of incarnations.slice(0, -1).flat()) {
          expect(await rejects(() => items.apply(key, [set('title', 'old')], { expect: { version: old } }))).toMatchObject({ reason: 'stale' });
        }
        await expectUnchanged(items, now);
      }),
      { seed: 20261114, numRuns: 12 },
    );
  });

  it('in a transaction: a delete and a create of the same key give a new version, and tx.with tables keep their own', async () => {
    const docs = collection((await harness().table(DOCS)).store);
    const accounts = collection((await harness().table(ACCOUNTS)).store);
    const id = uid('txaba');
    const first = await docs.create(id, { id, title: 'first' });
    const acct = await accounts.create(id, { id, balance: 1 });
    const [second, other] = await docs.transact(async (tx) => {
      await tx.delete(id);
      const created = await tx.create(id, { id, title: 'second' });
      const log = tx.with(accounts);
      await log.delete(id);
      return [created, await log.create(id, { id, balance: 2 })] as const;
    });
    expect(second.version).not.toBe(first.version);
    expect(other.version).not.toBe(acct.version);
    await expectStale(docs, id, first.version, { id, title: 'clobbered' });
    expect(await rejects(() => accounts.apply(id, [inc('balance', 1)], { expect: { version: acct.version } }))).toMatchObject({ reason: 'stale' });
    // Deleted in one transaction, created in the next.
    await docs.transact((tx) => tx.delete(id));
    const third = await docs.transact((tx) => tx.create(id, { id, title: 'third' }));
    expect([first.version, second.version]).not.toContain(third.version);
    await expectStale(docs, id, second.version, { id, title: 'clobbered' });
  });

  it('under withLock: Locked.delete then Locked.create gives a new version', async () => {
    const docs = collection((await harness().table(DOCS)).store);
    const id = uid('lockaba');
    const first = await docs.create(id, { id, title: 'first' });
    const second = await docs.withLock(id, async (locked) => {
      await locked.delete();
      return locked.create({ id, title: 'second' });
    });
    expect(second.version).not.toBe(first.version);
    await expectStale(docs, id, first.version, { id, title: 'clobbered' });
    // A record deleted outside, then created under the lock of the missing record.
    await docs.delete(id);
    const third = await docs.withLock(id, (locked) => locked.create({ id, title: 'third' }));
    expect([first.version, second.version]).not.toContain(third.version);
  });

  it('deletes and creates racing on separate connections never hand out a version twice', { timeout: 120_000 }, async () => {
    const table = await harness().table(DOCS);
    const clients = await all(4, async () => collection(await table.connect(), { retry: { attempts: 20 } }));
    const id = uid('race');
    const acknowledged: string[] = [];
    await all(4, async (w) => {
      const docs = clients[w] as Collection<Row>;
      for (let i = 0; i < 25; i++) {
        try {
          if ((w + i) % 2 === 0) acknowledged.push((await docs.create(id, { id, title: `w${w}` })).version);
          else if (w % 2 === 0) await docs.delete(id);
          else acknowledged.push((await docs.apply(id, [set('title', `a${w}-${i}`)])).version);
        } catch (e) {
          // Losing the race is fine (exists / gone); anything else is not.
          expect(e).toMatchObject({ code: 'conflict' });
        }
      }
    });
    expect(acknowledged.length).toBeGreaterThan(0);
    const repeated = acknowledged.filter((v, i) => acknowledged.indexOf(v) !== i);
    expect(repeated, `every acknowledged version: ${acknowledged.join(' ')}`).toEqual([]);
  });
}
