import { collection, inc } from 'noclobber';
import { expect, it } from 'vitest';
import type { AggregateHarness, ShopProduct } from './aggregate-harness.js';
import { bare } from './aggregate-rows.js';

const product = (id: string, stock: number): ShopProduct => ({
  id,
  name: `Product ${id}`,
  category: 'shoes',
  hits: 0,
  tags: null,
  images: [],
  variants: [{ id: `${id}-v0`, sku: `${id}-sku0`, price: 10, stock }],
});

const stock = (by: number) => (p: ShopProduct) => ({
  ...p,
  images: bare(p.images),
  variants: bare(p.variants).map((v) => ({ ...v, stock: v.stock + by })),
});

/**
 * Aggregates in transactions, as every store's transactions are (see the conformance suite's
 * `suite-transactions.ts`): `tx.with` across an aggregate and the root table's plain store on
 * the same connection, `CannotJoinError` across connections, `lockAll` on aggregates with zero
 * retries, `afterCommit` once; a deleted aggregate created again starts after its tombstone.
 */
export function aggregateTransactionTests(harness: () => AggregateHarness): void {
  it('tx.with joins an aggregate and a plain store on the same connection, either way round: both commit or neither; another connection is CannotJoinError', async () => {
    const h = harness();
    const { aggregate, root } = await h.connectWithRoot();
    const products = collection(aggregate, { maxPatchBytes: 1 << 20 });
    const plain = collection(root);
    await products.create('j1', { ...product('j1', 1), images: [{ id: 'j1-img0', key: 'k', position: 0 }] });
    await products.create('j2', product('j2', 1));
    await products.transact(async (tx) => {
      await tx.update('j1', (p) => ({ ...p, images: [...bare(p.images), { id: 'j1-x', key: 'x', position: 1 }] }));
      await tx.with(plain).apply('j2', [inc('hits', 5)]);
    });
    await plain.transact(async (tx) => {
      await tx.apply('j2', [inc('hits', 1)]);
      await tx.with(products).update('j2', (p) => ({ ...p, images: [{ id: 'j2-y', key: 'y', position: 0 }] }));
    });
    const check = async () => {
      expect((await h.stored('j1')).images.map((i) => i.id)).toEqual(['j1-img0', 'j1-x']);
      expect((await h.stored('j2')).images.map((i) => i.id)).toEqual(['j2-y']);
      expect((await products.get('j2'))?.value.hits).toBe(6);
    };
    await check();
    await expect(
      products.transact(async (tx) => {
        await tx.update('j1', (p) => ({ ...p, images: [] }));
        await tx.with(plain).apply('j2', [inc('hits', 5)]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await check();
    const elsewhere = collection(await h.connect());
    const err = await products
      .transact(async (tx) => {
        await tx.update('j1', (p) => ({ ...p, images: [] }));
        await tx.with(elsewhere).apply('j2', [inc('hits', 1)]);
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cannot_join', retryable: false });
    await check();
  });

  it('every statement of an aggregate runs inside the transaction: a transaction that deletes and edits aggregates, then throws, leaves them whole', async () => {
    const h = harness();
    const products = collection(await h.connect(), { maxPatchBytes: 1 << 20 });
    const images = [0, 1].map((i) => ({ id: `x1-img${i}`, key: `k${i}`, position: i }));
    await products.create('x1', { ...product('x1', 5), images });
    await products.create('x2', { ...product('x2', 5), images: [{ id: 'x2-img0', key: 'k', position: 0 }] });
    const before = await Promise.all(['x1', 'x2'].map((id) => h.stored(id)));
    for (const work of [
      // Starts with the aggregate's own read under the root's lock, then deletes the children.
      (tx: Parameters<Parameters<typeof products.transact>[0]>[0]) => tx.delete('x1'),
      // Ops on a relation: computed on the aggregate read under the root's lock.
      (tx: Parameters<Parameters<typeof products.transact>[0]>[0]) => tx.update('x2', (p) => ({ ...p, images: [] })),
    ]) {
      await expect(
        products.transact(async (tx) => {
          await work(tx);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
    }
    expect(await Promise.all(['x1', 'x2'].map((id) => h.stored(id)))).toEqual(before);
  });

  it('transfers between aggregates that lock them up front (tx.lockAll) never deadlock or retry, lose nothing, and run afterCommit once each', async () => {
    const h = harness();
    const setup = collection(await h.connect(), { maxPatchBytes: 1 << 20 });
    const ids = ['t1', 't2'];
    for (const id of ids) await setup.create(id, product(id, 50));
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => collection(await h.connect(), { maxPatchBytes: 1 << 20 })),
    );
    let retries = 0;
    let committed = 0;
    await Promise.all(
      clients.map(async (c, w) => {
        for (let i = 0; i < 5; i++) {
          // Opposite directions on purpose: without ordered locks these deadlock.
          const [from, to] = (w + i) % 2 === 0 ? ['t1', 't2'] : ['t2', 't1'];
          await c.transact(
            async (tx) => {
              await tx.lockAll([from, to]);
              await tx.update(from, stock(-1));
              await tx.update(to, stock(1));
              tx.afterCommit(() => void committed++);
            },
            { retry: { onRetry: () => void retries++ } },
          );
        }
      }),
    );
    const stored = await Promise.all(ids.map((id) => h.stored(id)));
    expect(stored.reduce((n, s) => n + (s.variants[0]?.stock as number), 0)).toBe(100);
    expect(retries).toBe(0);
    expect(committed).toBe(20);
  });

  it('an aggregate deleted and created again never takes a version of the old one: root and child writes with it are stale', async () => {
    const products = collection(await harness().connect(), { maxPatchBytes: 1 << 20 });
    const first = await products.create('inc1', {
      ...product('inc1', 1),
      images: [{ id: 'inc1-a', key: 'a', position: 0 }],
    });
    await products.delete('inc1');
    const second = await products.create('inc1', product('inc1', 2));
    expect(second.version).not.toBe(first.version);
    const old = { expect: { version: first.version } };
    expect(await products.apply('inc1', [inc('hits', 1)], old).catch((e: unknown) => e)).toMatchObject({
      code: 'conflict',
      reason: 'stale',
    });
    const images = [{ id: 'inc1-b', key: 'b', position: 0 }];
    expect(
      await products.replace('inc1', { ...product('inc1', 9), images }, old).catch((e: unknown) => e),
    ).toMatchObject({ reason: 'stale' });
    // Under the root's lock, and in one transaction.
    const third = await products.withLock('inc1', async (locked) => {
      await locked.delete();
      return locked.create(product('inc1', 3));
    });
    const fourth = await products.transact(async (tx) => {
      await tx.delete('inc1');
      return tx.create('inc1', { ...product('inc1', 4), images });
    });
    const versions = [first, second, third, fourth].map((s) => s.version);
    expect(new Set(versions).size).toBe(4);
    const stored = await harness().stored('inc1');
    expect(stored.version).toBe(fourth.version);
    expect(stored.images.map((i) => i.id)).toEqual(['inc1-b']);
    expect(stored.variants.map((v) => v.stock)).toEqual([4]);
  });
}
