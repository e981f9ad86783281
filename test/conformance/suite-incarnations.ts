import fc from 'fast-check';
import { type Collection, collection, inc, type Key, type Row, set } from 'noclobber';
import { expect, it } from 'vitest';
import {
  ACCOUNTS,
  DOCS,
  STAMPED,
  type StoreHarness,
  type StoreTraits,
  type TableSpec,
  TENANT_ITEMS,
  type VersionKind,
} from './harness.js';
import { all, expectUnchanged, rejects, uid } from './support.js';

/** Every way to write against a version: each must refuse one taken from an earlier incarnation. */
async function expectStale(docs: Collection<Row>, key: Key, version: string, value: Row): Promise<void> {
  const attempts = [
    () => docs.replace(key, value, { expect: { version } }),
    () => docs.apply(key, [set('title', 'from an old tab')], { expect: { version } }),
    () => docs.delete(key, { expect: { version } }),
  ];
  for (const attempt of attempts)
    expect(await rejects(attempt)).toMatchObject({ code: 'conflict', reason: 'stale', expected: version });
}

/** The tables to run a case on: the integer docs table, and a timestamp one where the store has timestamp versions. */
function versionTables(harness: StoreHarness): [VersionKind, TableSpec][] {
  const kinds = harness.versionKinds ?? ['integer'];
  return kinds.map((k) => [k, k === 'timestamp' ? STAMPED : DOCS]);
}

/**
 * A version never names two incarnations of a record: after a delete and a
 * create of the same key, no version or expectation taken from the first record matches the
 * second — in plain writes, in transactions, under a lock, and under concurrent deletes and
 * creates on separate connections.
 */
export function incarnationTests(harness: () => StoreHarness, traits: StoreTraits): void {
  it('the harness offers what the suite was declared with (version kinds, plain access)', async () => {
    expect([...(harness().versionKinds ?? ['integer'])].sort()).toEqual([...traits.versionKinds].sort());
    expect(Boolean((await harness().table(DOCS)).plain)).toBe(traits.plain);
  });

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

  const timestamps = traits.versionKinds.includes('timestamp');
  if (timestamps)
    it('timestamp versions too: delete and create in quick cycles never repeat a version, and every old one is stale', async () => {
      const docs = collection((await harness().table(STAMPED)).store);
      const id = uid('stamp');
      const seen: string[] = [];
      seen.push((await docs.create(id, { id, title: 'c0' })).version);
      // Same-microsecond cycles: a create must still start after the tombstone, not at the clock.
      for (let i = 1; i <= 15; i++) {
        seen.push((await docs.apply(id, [set('title', `u${i}`)])).version);
        await docs.delete(id);
        seen.push((await docs.create(id, { id, title: `c${i}` })).version);
      }
      expect(new Set(seen).size, `versions ${seen.join(' ')}`).toBe(seen.length);
      const now = (await docs.get(id)) as NonNullable<Awaited<ReturnType<typeof docs.get>>>;
      expect(now.version).toBe(seen.at(-1));
      for (const old of seen.slice(0, -1)) await expectStale(docs, id, old, { id, title: 'clobbered' });
      await expectUnchanged(docs, now);
    });

  if (traits.plain)
    it('rows written before noclobber (plain INSERT / PutItem), then deleted and created through it: no version repeats', async () => {
      for (const [kind, spec] of versionTables(harness())) {
        const table = await harness().table(spec);
        if (!table.plain) throw new Error('declared with plain access, but the harness has none');
        const docs = collection(table.store);
        // Deleted as it was written, and deleted after a noclobber write.
        for (const touched of [false, true]) {
          const id = uid(`legacy-${kind}`);
          await table.plain.insert({ id, title: 'legacy' });
          const versions = [(await docs.get(id))?.version as string];
          expect(versions[0], kind).toBeDefined();
          if (touched) versions.push((await docs.apply(id, [set('title', 'touched')])).version);
          await docs.delete(id, { expect: { version: versions.at(-1) as string } });
          const created = await docs.create(id, { id, title: 'new' });
          expect(versions, `${kind}: ${created.version} after ${versions.join(' ')}`).not.toContain(created.version);
          for (const old of versions) await expectStale(docs, id, old, { id, title: 'clobbered' });
          await expectUnchanged(docs, created);
        }
      }
    });

  if (traits.plain)
    it('a key deleted around noclobber (plain DELETE / DeleteItem) leaves no tombstone: as docs/design.md says, an integer version may come again', async () => {
      for (const [kind, spec] of versionTables(harness())) {
        const table = await harness().table(spec);
        if (!table.plain) throw new Error('declared with plain access, but the harness has none');
        const docs = collection(table.store);
        const id = uid(`plain-${kind}`);
        const first = await docs.create(id, { id, title: 'first' });
        await table.plain.delete(id);
        expect(await docs.get(id)).toBeUndefined();
        const second = await docs.create(id, { id, title: 'second' });
        // Pinned so the documented limit stays true: nothing noclobber can see recorded that delete.
        // A timestamp version is the clock, so it does not come again.
        if (kind === 'integer') expect(second.version).toBe(first.version);
        else expect(second.version).not.toBe(first.version);
        // A delete through noclobber afterwards leaves its tombstone again.
        await docs.delete(id);
        const third = await docs.create(id, { id, title: 'third' });
        expect([first.version, second.version]).not.toContain(third.version);
      }
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
          else if (s === 'update' && current)
            seen.push((await items.apply(key, [set('title', `u${seen.length}`)])).version);
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
          expect(
            await rejects(() => items.apply(key, [set('title', 'old')], { expect: { version: old } })),
          ).toMatchObject({ reason: 'stale' });
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
    expect(
      await rejects(() => accounts.apply(id, [inc('balance', 1)], { expect: { version: acct.version } })),
    ).toMatchObject({ reason: 'stale' });
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

  it('deletes and creates racing on separate connections never hand out a version twice', {
    timeout: 120_000,
  }, async () => {
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

  it('creates, deletes and writes on several connections over a few keys: no (key, version) is ever seen naming two contents', {
    timeout: 180_000,
  }, async () => {
    const table = await harness().table(DOCS);
    const workers = 4;
    const clients = await all(workers, async () => collection(await table.connect(), { retry: { attempts: 20 } }));
    const keys = [uid('cyc'), uid('cyc'), uid('cyc')];
    const op = fc.record({
      kind: fc.constantFrom('create', 'create', 'delete', 'apply', 'replace', 'get'),
      key: fc.nat({ max: keys.length - 1 }),
    });
    const plans = fc.sample(fc.array(op, { minLength: 30, maxLength: 30 }), { seed: 20261201, numRuns: workers });
    // Every (key, version, content) acknowledged by a write or returned by a read; each write's content is unique.
    const observed: [string, string, unknown][] = [];
    const note = (key: string, snap: { version: string; value: Row } | undefined) =>
      snap && observed.push([key, snap.version, snap.value.title]);
    const outcomes = { ok: 0, lost: 0 };
    await all(workers, async (w) => {
      const docs = clients[w] as Collection<Row>;
      for (const [i, { kind, key: k }] of (plans[w] ?? []).entries()) {
        const key = keys[k] as string;
        const title = `w${w}-${i}`;
        try {
          if (kind === 'create') note(key, await docs.create(key, { id: key, title }));
          else if (kind === 'delete') note(key, await docs.delete(key));
          else if (kind === 'apply') note(key, await docs.apply(key, [set('title', title)]));
          else if (kind === 'get') note(key, await docs.get(key));
          else {
            const read = await docs.get(key);
            note(key, read);
            if (read) note(key, await docs.replace(key, { id: key, title }, { expect: { version: read.version } }));
          }
          outcomes.ok += 1;
        } catch (e) {
          // Losing a race is fine (exists, gone, stale; transient when a key kept changing); anything else is not.
          expect((e as { code?: string }).code).toMatch(/^(conflict|transient)$/);
          outcomes.lost += 1;
        }
      }
    });
    expect(outcomes.ok).toBeGreaterThan(workers * 10);
    const named = new Map<string, unknown>();
    const clashes: string[] = [];
    for (const [key, version, title] of observed) {
      const id = `${key} @ ${version}`;
      if (named.has(id) && named.get(id) !== title) clashes.push(`${id}: ${String(named.get(id))} / ${String(title)}`);
      named.set(id, title);
    }
    expect(clashes, `${observed.length} observations`).toEqual([]);
  });
}
