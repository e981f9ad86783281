import { type Collection, collection, field, inc, isConflictError, merge, type Op, type Row, set } from 'noclobber';
import { expect, it } from 'vitest';
import { ACCOUNTS, DOCS, type StoreHarness, TENANT_ITEMS } from './harness.js';
import { expectUnchanged, rejects, uid, withoutNulls } from './support.js';

/** Records, versions, expectations, checked delete, bad input. */
export function basicTests(harness: () => StoreHarness, docs: () => Collection<Row>): void {
  it('create if absent, then exists carries the current record', async () => {
    const id = uid();
    const created = await docs().create(id, { id, title: 'a' });
    expect(typeof created.version).toBe('string');
    expect(created.value).toMatchObject({ id, title: 'a' });
    const err = await rejects(() => docs().create(id, { id, title: 'b' }));
    expect(err).toMatchObject({ code: 'conflict', reason: 'exists' });
    expect((err.current as { version: string }).version).toBe(created.version);
    await expectUnchanged(docs(), created);
  });

  it('get of a missing record is undefined, never an error', async () => {
    expect(await docs().get(uid())).toBeUndefined();
  });

  it('returnPrevious gives the record as it was just before the write, from the same step', async () => {
    const id = uid();
    const v1 = await docs().create(id, { id, n: 1, data: { a: 1, b: 2 } });
    const written = await docs().apply(id, [merge('data', { a: null, c: 3 }), inc('n', 1)], { returnPrevious: true });
    expect(written.value.data).toEqual({ b: 2, c: 3 });
    expect(written.previous?.version).toBe(v1.version);
    expect(withoutNulls(written.previous?.value as Row)).toEqual(withoutNulls(v1.value));
    expect((await docs().apply(id, [inc('n', 1)])).previous).toBeUndefined();
  });

  it('every write changes the version', async () => {
    const id = uid();
    const seen = new Set([(await docs().create(id, { id, n: 0 })).version]);
    for (let i = 0; i < 5; i++) seen.add((await docs().apply(id, [inc('n', 1)])).version);
    expect(seen.size).toBe(6);
  });

  it('stale replace is a conflict carrying the current snapshot', async () => {
    const id = uid();
    const v1 = await docs().create(id, { id, title: 'one' });
    const v2 = await docs().apply(id, [set('title', 'two')]);
    const err = await rejects(() => docs().replace(id, { id, title: 'three' }, { expect: { version: v1.version } }));
    expect(err).toMatchObject({ code: 'conflict', reason: 'stale', expected: v1.version, actual: v2.version });
    expect(isConflictError(err)).toBe(true);
    const current = err.current as { version: string; value: Row };
    expect(current.version).toBe(v2.version);
    expect(current.value.title).toBe('two');
    await expectUnchanged(docs(), v2);
  });

  it('replace at the current version replaces the whole value', async () => {
    const id = uid();
    const v1 = await docs().create(id, { id, title: 'one', status: 'x', data: { a: 1 } });
    const v2 = await docs().replace(id, { id, title: 'new' }, { expect: { version: v1.version } });
    expect(withoutNulls(v2.value)).toEqual({ id, title: 'new' });
    expect(withoutNulls((await docs().get(id))?.value)).toEqual({ id, title: 'new' });
  });

  it('apply with a stale expected version conflicts and writes nothing', async () => {
    const id = uid();
    const v1 = await docs().create(id, { id, n: 1 });
    const v2 = await docs().apply(id, [inc('n', 1)]);
    const err = await rejects(() => docs().apply(id, [inc('n', 100)], { expect: { version: v1.version } }));
    expect(err).toMatchObject({ code: 'conflict', reason: 'stale' });
    await expectUnchanged(docs(), v2);
  });

  it('apply, replace and exists on a missing record are "gone", never silent', async () => {
    const id = uid();
    expect(await rejects(() => docs().apply(id, [set('title', 'x')]))).toMatchObject({
      code: 'conflict',
      reason: 'gone',
    });
    expect(await rejects(() => docs().replace(id, { id, title: 'x' }, { expect: { exists: true } }))).toMatchObject({
      code: 'conflict',
      reason: 'gone',
    });
    expect(await rejects(() => docs().apply(id, [set('title', 'x')], { expect: { version: '1' } }))).toMatchObject({
      code: 'conflict',
      reason: 'gone',
    });
    expect(await docs().get(id)).toBeUndefined();
  });

  it('checked delete: stale and gone both fail loudly; a match deletes', async () => {
    const id = uid();
    const v1 = await docs().create(id, { id, status: 'active' });
    const v2 = await docs().apply(id, [set('title', 't')]);
    expect(await rejects(() => docs().delete(id, { expect: { version: v1.version } }))).toMatchObject({
      code: 'conflict',
      reason: 'stale',
    });
    expect(
      await rejects(() => docs().delete(id, { expect: { where: [field('status').eq('archived')] } })),
    ).toMatchObject({ code: 'guard_failed' });
    await expectUnchanged(docs(), v2);
    const deleted = await docs().delete(id, { expect: { version: v2.version } });
    expect(deleted.value.title).toBe('t');
    expect(await docs().get(id)).toBeUndefined();
    expect(await rejects(() => docs().delete(id))).toMatchObject({ code: 'conflict', reason: 'gone' });
    expect(await rejects(() => docs().delete(id, { expect: { version: v2.version } }))).toMatchObject({
      code: 'conflict',
      reason: 'gone',
    });
  });

  it('a deleted record can be created again', async () => {
    const id = uid();
    await docs().create(id, { id, title: 'a' });
    await docs().delete(id);
    const again = await docs().create(id, { id, title: 'b' });
    expect(again.value.title).toBe('b');
  });

  const badOps: [string, Op[], string][] = [
    ['a __proto__ path', [set('data.__proto__.polluted', true)], 'forbidden_key'],
    ['a constructor path', [set('data.constructor', 1)], 'forbidden_key'],
    [
      'a prototype key deep in a merge',
      [merge('data', JSON.parse('{"a":{"b":{"__proto__":{"polluted":true}}}}'))],
      'forbidden_key',
    ],
    [
      'a constructor key deep in a set value',
      [set('meta', { x: [{ constructor: { prototype: 1 } }] })],
      'forbidden_key',
    ],
    ['a prototype key in a root merge', [merge('', JSON.parse('{"data":{"prototype":1}}'))], 'forbidden_key'],
    ['writing the version column', [set('version', 99)], 'protected_field'],
    ['writing the key column', [set('id', 'other')], 'protected_field'],
    ['a root merge touching the version', [merge('', { version: 5 })], 'protected_field'],
    ['an unknown column', [set('no_such_column', 1)], 'unknown_field'],
    ['an object into a text column', [set('title', { a: 1 })], 'type_mismatch'],
    ['a nested path into a text column', [set('title.x', 1)], 'type_mismatch'],
    ['inc on a string', [inc('title', 1)], 'type_mismatch'],
    ['an empty path segment', [set('data..x', 1)], 'bad_path'],
    ['a non-finite inc', [inc('n', Number.POSITIVE_INFINITY)], 'bad_op'],
    ['an unknown op', [{ op: 'drop', path: 'title' } as unknown as Op], 'bad_op'],
  ];
  for (const [name, ops, reason] of badOps) {
    it(`bad input leaves the record unchanged: ${name}`, async () => {
      const id = uid();
      const created = await docs().create(id, { id, title: 'safe', n: 1, data: { a: 1 } });
      const err = await rejects(() => docs().apply(id, ops));
      expect(err).toMatchObject({ code: 'invalid_change', reason });
      await expectUnchanged(docs(), created);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('bad whole values are rejected: version field, another key, prototype keys', async () => {
    const id = uid();
    const created = await docs().create(id, { id, title: 'safe' });
    const v = created.version;
    expect(await rejects(() => docs().replace(id, { id, version: 7 }, { expect: { version: v } }))).toMatchObject({
      reason: 'protected_field',
    });
    expect(await rejects(() => docs().replace(id, { id: 'other' }, { expect: { version: v } }))).toMatchObject({
      reason: 'protected_field',
    });
    expect(
      await rejects(() =>
        docs().replace(id, JSON.parse(`{"id":"${id}","data":{"__proto__":{"x":1}}}`), { expect: { version: v } }),
      ),
    ).toMatchObject({
      reason: 'forbidden_key',
    });
    expect(await rejects(() => docs().create(uid(), { constructor: 1 } as Row))).toMatchObject({
      reason: 'forbidden_key',
    });
    await expectUnchanged(docs(), created);
  });

  it('an oversize patch is refused before any write; a cap is enforced atomically', async () => {
    const { store } = await harness().table(DOCS);
    const small = collection(store, { maxPatchBytes: 1024 });
    const id = uid();
    const created = await small.create(id, { id, title: 't', capped: { a: 'x' } });
    expect(await rejects(() => small.apply(id, [set('data.big', 'x'.repeat(2000))]))).toMatchObject({
      code: 'too_large',
      what: 'patch',
    });
    // capped (256 bytes) — each patch is small, the merged column is not
    await small.apply(id, [merge('capped', { b: 'y'.repeat(100) })]);
    const before = await small.get(id);
    const err = await rejects(() => small.apply(id, [merge('capped', { c: 'z'.repeat(200) })]));
    expect(err).toMatchObject({ code: 'too_large', what: 'field', field: 'capped', limitBytes: 256 });
    await expectUnchanged(small, before as never);
    const other = uid();
    expect(await rejects(() => small.create(other, { id: other, capped: { big: 'q'.repeat(300) } }))).toMatchObject({
      code: 'too_large',
    });
    expect(await small.get(other)).toBeUndefined();
    expect(created.version).toBeTypeOf('string');
  });

  it('composite keys: create, read, write and reject malformed keys', async () => {
    const { store } = await harness().table(TENANT_ITEMS);
    const items = collection(store);
    const tenant = uid('t');
    await items.create({ tenant, id: 1 }, { tenant, id: 1, title: 'one' });
    await items.create({ tenant, id: 2 }, { tenant, id: 2, title: 'two' });
    await items.apply({ tenant, id: 1 }, [set('title', 'uno')]);
    expect((await items.get({ tenant, id: 1 }))?.value).toMatchObject({ tenant, id: 1, title: 'uno' });
    expect((await items.get({ tenant, id: 2 }))?.value.title).toBe('two');
    expect(await items.get({ tenant: uid('t'), id: 1 })).toBeUndefined();
    expect(await rejects(() => items.get({ tenant } as never))).toMatchObject({
      code: 'invalid_change',
      reason: 'bad_key',
    });
    expect(await rejects(() => items.apply('flat', [set('title', 'x')]))).toMatchObject({ reason: 'bad_key' });
  });

  it('update runs the intent once per attempt, never retries its errors, skips no-op writes', async () => {
    const id = uid();
    const created = await docs().create(id, { id, n: 1 });
    let calls = 0;
    const boom = new Error('validation failed');
    await expect(
      docs().update(id, () => {
        calls++;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    const same = await docs().update(id, (v) => v);
    expect(same.version).toBe(created.version);
    const after: string[] = [];
    const next = await docs().update(id, (v) => ({ ...v, n: (v.n as number) + 1 }), {
      afterCommit: (s) => void after.push(s.version),
    });
    expect(after).toEqual([next.version]);
    expect(next.value.n).toBe(2);
  });

  it('update with a false guard fails with GuardError and writes nothing', async () => {
    const id = uid();
    const created = await docs().create(id, { id, status: 'deleting', n: 1 });
    const err = await rejects(() =>
      docs().update(id, (v) => ({ ...v, n: 2 }), { where: [field('status').ne('deleting')] }),
    );
    expect(err.code).toBe('guard_failed');
    await expectUnchanged(docs(), created);
  });

  it('withLock reads under the lock and writes conditioned on it', async () => {
    const id = uid();
    await docs().create(id, { id, n: 10 });
    const result = await docs().withLock(id, async (locked) => {
      expect(locked.value?.n).toBe(10);
      const s = await locked.apply([inc('n', -3)]);
      return s.value.n;
    });
    expect(result).toBe(7);
    expect((await docs().get(id))?.value.n).toBe(7);
  });

  it('transact rolls back every write when the closure throws', async () => {
    const { store } = await harness().table(ACCOUNTS);
    const accounts = collection(store);
    await accounts.create('a', { id: 'a', balance: 10 });
    await accounts.create('b', { id: 'b', balance: 0 });
    await expect(
      accounts.transact(async (tx) => {
        await tx.apply('a', [inc('balance', -5)]);
        await tx.apply('b', [inc('balance', 5)]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await accounts.get('a'))?.value.balance).toBe(10);
    expect((await accounts.get('b'))?.value.balance).toBe(0);
    await accounts.transact(async (tx) => {
      await tx.apply('a', [inc('balance', -5)]);
      await tx.apply('b', [inc('balance', 5)]);
    });
    expect((await accounts.get('a'))?.value.balance).toBe(5);
    expect((await accounts.get('b'))?.value.balance).toBe(5);
  });
}
