import { collection, field, inc, isConflictError, set } from 'noclobber';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateHarness, ShopProduct } from './aggregate-harness.js';
import { aggregateModelTests } from './aggregate-model.js';
import { bare, product } from './aggregate-rows.js';
import { aggregateTransactionTests } from './aggregate-transactions.js';

async function rejects(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    return e as { code?: string; reason?: string; path?: string[]; current?: { version: string; value: ShopProduct } };
  }
  throw new Error('expected the call to fail');
}

/**
 * Records that span tables: every store offering aggregates runs this against its real
 * database. Each test checks the child tables with plain SQL against what noclobber said.
 * @example
 * ```ts
 * describeAggregate('postgres', async () => postgresAggregateHarness(url));
 * ```
 */
export function describeAggregate(name: string, makeHarness: () => Promise<AggregateHarness>): void {
  describe(`aggregate: ${name}`, () => {
    let h: AggregateHarness;
    beforeAll(async () => {
      h = await makeHarness();
      await h.tables();
    });
    afterAll(async () => {
      await h?.close();
    });
    const products = async () => collection(await h.connect(), { maxPatchBytes: 1 << 20 });

    it('create and get: the root with its relations, ordered; the child tables hold exactly the rows', async () => {
      const p = await products();
      const created = await p.create('c1', product('c1', 3));
      expect(bare(created.value.images).map((i) => i.id)).toEqual(['c1-img0', 'c1-img1', 'c1-img2']);
      const read = await (await products()).get('c1');
      expect(read?.version).toBe(created.version);
      expect(bare(read?.value.images ?? [])).toEqual(bare(product('c1', 3).images));
      const stored = await h.stored('c1');
      expect(stored.images.map((r) => r.id)).toEqual(['c1-img0', 'c1-img1', 'c1-img2']);
      expect(stored.variants).toHaveLength(1);
      expect(stored.version).toBe(created.version);
    });

    it('update writes inserts, updates and deletes of children with ONE version bump, and the tables match the returned value', async () => {
      const p = await products();
      const v1 = await p.create('u1', product('u1', 3));
      const v2 = await p.update('u1', (cur) => ({
        ...cur,
        name: 'renamed',
        images: [
          ...cur.images.filter((i) => i.id !== 'u1-img1').map((i) => (i.id === 'u1-img2' ? { ...i, position: 9 } : i)),
          { id: 'u1-new', key: 'u1/new.jpg', position: 5 },
        ],
        variants: cur.variants.map((v) => ({ ...v, stock: v.stock - 1 })),
      }));
      expect(Number(v2.version)).toBe(Number(v1.version) + 1);
      const stored = await h.stored('u1');
      expect(stored.version).toBe(v2.version);
      expect(bare(stored.images)).toEqual(bare(v2.value.images).sort((a, b) => a.id.localeCompare(b.id)));
      expect(stored.images.find((i) => i.id === 'u1-img2')?.position).toBe(9);
      expect(stored.images.some((i) => i.id === 'u1-img1')).toBe(false);
      expect(stored.variants.map((v) => v.stock)).toEqual([2]);
      // an intent that changes nothing writes nothing
      const same = await p.update('u1', (cur) => cur);
      expect(same.version).toBe(v2.version);
    });

    it('a change to a child made through the aggregate is a conflict on the whole aggregate, carrying it as current', async () => {
      const a = await products();
      const b = await products();
      const v1 = await a.create('k1', product('k1', 1));
      const v2 = await b.update('k1', (cur) => ({
        ...cur,
        images: cur.images.map((i) => ({ ...i, key: 'k1/replaced.jpg' })),
      }));
      const err = await rejects(() =>
        a.replace('k1', { ...v1.value, name: 'stale write' }, { expect: { version: v1.version } }),
      );
      expect(isConflictError(err)).toBe(true);
      expect(err.reason).toBe('stale');
      expect(err.current?.version).toBe(v2.version);
      expect(err.current?.value.images[0]?.key).toBe('k1/replaced.jpg');
      const stored = await h.stored('k1');
      expect(stored.version).toBe(v2.version);
      expect(stored.images[0]?.key).toBe('k1/replaced.jpg');
    });

    it('validation in the intent sees the children as they will be written: two concurrent adds cannot pass a limit together', async () => {
      const p = await products();
      await p.create('l1', product('l1', 6));
      const limit = (who: string) => async () =>
        (await products()).update('l1', (cur) => {
          const images = [
            ...cur.images,
            { id: `l1-${who}1`, key: 'x', position: 7 },
            { id: `l1-${who}2`, key: 'y', position: 8 },
          ];
          if (images.length > 8) throw new RangeError('TOO_MANY_IMAGES');
          return { ...cur, images };
        });
      const results = await Promise.allSettled([limit('a')(), limit('b')()]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(RangeError);
      expect((await h.stored('l1')).images).toHaveLength(8);
    });

    it('16 writers each add their own child rows and bump a counter: nothing acknowledged is lost', {
      timeout: 240_000,
    }, async () => {
      const setup = await products();
      await setup.create('h1', { ...product('h1'), variants: [] });
      const writers = await Promise.all(Array.from({ length: 16 }, () => products()));
      const acknowledged: string[] = [];
      await Promise.all(
        writers.map(async (w, i) => {
          for (let n = 0; n < 5; n++) {
            const id = `h1-w${i}-${n}`;
            await w.update('h1', (cur) => ({
              ...cur,
              hits: cur.hits + 1,
              images: [...cur.images, { id, key: `h1/${id}.jpg`, position: cur.images.length }],
              variants: [...cur.variants, { id, sku: id, price: 1 + i, stock: n }],
            }));
            acknowledged.push(id);
          }
        }),
      );
      const stored = await h.stored('h1');
      expect(acknowledged).toHaveLength(80);
      expect(stored.images.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
      expect(stored.variants.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
      expect((await setup.get('h1'))?.value.hits).toBe(80);
    });

    it('a bad child row is refused before anything is written, naming the row', async () => {
      const p = await products();
      const v1 = await p.create('b1', product('b1', 2));
      const cases: [string, (cur: ShopProduct) => ShopProduct, string, string[]][] = [
        [
          'an unknown column',
          (c) => ({ ...c, images: [...c.images, { id: 'b1-x', key: 'k', position: 1, colour: 'red' } as never] }),
          'unknown_field',
          ['images', '2', 'colour'],
        ],
        [
          'a string in an integer column',
          (c) => ({ ...c, images: [{ ...(c.images[0] as object), position: 'first' }] as never }),
          'type_mismatch',
          ['images', '0', 'position'],
        ],
        [
          'a row of another product',
          (c) => ({ ...c, images: [{ ...(c.images[0] as object), productId: 'other' }] as never }),
          'protected_field',
          ['images', '0', 'productId'],
        ],
        [
          'two rows with one key',
          (c) => ({ ...c, images: [c.images[0] as never, c.images[0] as never] }),
          'bad_key',
          ['images', '1'],
        ],
        ['rows that are not an array', (c) => ({ ...c, images: { id: 'x' } as never }), 'type_mismatch', ['images']],
      ];
      for (const [label, intent, reason, path] of cases) {
        const err = await rejects(() => p.update('b1', intent));
        expect({ label, code: err.code, reason: err.reason, path: err.path }).toEqual({
          label,
          code: 'invalid_change',
          reason,
          path,
        });
      }
      const stored = await h.stored('b1');
      expect(stored.version).toBe(v1.version);
      expect(stored.images.map((i) => i.id)).toEqual(['b1-img0', 'b1-img1']);
    });

    it('a child write the database refuses (unique sku) rolls back the root and every other child write', async () => {
      const p = await products();
      await p.create('r1', product('r1'));
      const v1 = await p.create('r2', product('r2', 1));
      const err = await rejects(() =>
        p.update('r2', (cur) => ({
          ...cur,
          name: 'never',
          images: [],
          variants: [...cur.variants, { id: 'r2-dup', sku: 'r1-sku0', price: 1, stock: 1 }],
        })),
      );
      expect(err).toMatchObject({ code: 'invalid_change', reason: 'constraint' });
      const stored = await h.stored('r2');
      expect(stored.version).toBe(v1.version);
      expect(stored.images).toHaveLength(1);
      expect((await p.get('r2'))?.value.name).toBe('Product r2');
    });

    it('apply: root ops are pushed down and return the relations; ops on a relation replace its rows; guards hold', async () => {
      const p = await products();
      await p.create('a1', product('a1', 2));
      const s1 = await p.apply('a1', [inc('hits', 2)]);
      expect(s1.value.hits).toBe(2);
      expect(s1.value.images).toHaveLength(2);
      const s2 = await p.apply('a1', [
        set('images', [{ id: 'a1-only', key: 'a1/only.jpg', position: 0 }]),
        inc('hits', 1),
      ]);
      expect(bare(s2.value.images)).toEqual([{ id: 'a1-only', key: 'a1/only.jpg', position: 0 }]);
      expect((await h.stored('a1')).images.map((i) => i.id)).toEqual(['a1-only']);
      const err = await rejects(() =>
        p.apply('a1', [set('images', [])], { expect: { where: [field('category').eq('hats')] } }),
      );
      expect(err.code).toBe('guard_failed');
      expect(err.current?.value.images).toHaveLength(1);
      expect((await h.stored('a1')).images).toHaveLength(1);
    });

    it('withLock and transact see and write whole aggregates; delete removes the children', async () => {
      const p = await products();
      await p.create('w1', product('w1', 1));
      await p.create('w2', product('w2', 1));
      const seen = await p.withLock('w1', async (locked) => {
        const images = locked.value?.images ?? [];
        await locked.replace({
          ...(locked.value as ShopProduct),
          images: [...images, { id: 'w1-l', key: 'l', position: 1 }],
        });
        return images.length;
      });
      expect(seen).toBe(1);
      expect((await h.stored('w1')).images).toHaveLength(2);
      await p.transact(async (tx) => {
        const w1 = await tx.get('w1');
        const w2 = await tx.get('w2');
        const moved = w1?.value.images.find((i) => i.id === 'w1-l');
        await tx.replace(
          'w1',
          { ...(w1?.value as ShopProduct), images: bare(w1?.value.images ?? []).filter((i) => i.id !== 'w1-l') },
          { expect: { version: w1?.version as string } },
        );
        await tx.replace(
          'w2',
          {
            ...(w2?.value as ShopProduct),
            images: [...bare(w2?.value.images ?? []), { ...bare([moved as never])[0], id: 'w2-l' }] as never,
          },
          { expect: { version: w2?.version as string } },
        );
      });
      expect((await h.stored('w1')).images.map((i) => i.id)).toEqual(['w1-img0']);
      expect((await h.stored('w2')).images.map((i) => i.id)).toEqual(['w2-img0', 'w2-l']);
      const deleted = await p.delete('w2');
      expect(deleted.value.images).toHaveLength(2);
      expect(await h.stored('w2')).toEqual({ images: [], variants: [], version: undefined });
      expect(await p.get('w2')).toBeUndefined();
    });

    aggregateModelTests(products, () => h);
    aggregateTransactionTests(() => h);
  });
}
