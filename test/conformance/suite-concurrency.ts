import { collection, inc, merge, type Row, set } from 'noclobber';
import { expect, it } from 'vitest';
import { ACCOUNTS, DOCS, type StoreHarness } from './harness.js';
import { all, rejects, uid } from './support.js';

const SLOW = 240_000;

/** Real concurrent clients on separate connections; each test asserts an invariant. */
export function concurrencyTests(harness: () => StoreHarness): void {
  it('Hermitage lost update: two readers both write, exactly one wins', async () => {
    const table = await harness().table(DOCS);
    const a = collection(await table.connect());
    const b = collection(await table.connect());
    const id = uid();
    await a.create(id, { id, n: 0 });
    const [ra, rb] = await Promise.all([a.get(id), b.get(id)]);
    const results = await Promise.allSettled([
      a.replace(id, { id, n: (ra?.value.n as number) + 1, title: 'a' }, { expect: { version: ra?.version as string } }),
      b.replace(id, { id, n: (rb?.value.n as number) + 1, title: 'b' }, { expect: { version: rb?.version as string } }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict', reason: 'stale' });
    const final = await a.get(id);
    expect(final?.value.n).toBe(1);
    expect(final?.value.title).toBe((won[0] as PromiseFulfilledResult<{ value: Row }>).value.value.title);
  });

  it(
    'counter hammer: 16 writers x 200 update increments, final value = acknowledged count',
    async () => {
      const table = await harness().table(ACCOUNTS);
      const id = uid('hot');
      await collection(table.store).create(id, { id, balance: 0 });
      const writers = await all(16, async () => collection(await table.connect()));
      let acknowledged = 0;
      const failures: unknown[] = [];
      await all(16, async (w) => {
        for (let i = 0; i < 200; i++) {
          try {
            await writers[w]?.update(id, (v) => ({ ...v, balance: (v.balance as number) + 1 }));
            acknowledged++;
          } catch (e) {
            failures.push(e);
          }
        }
      });
      const final = await collection(table.store).get(id);
      expect(final?.value.balance).toBe(acknowledged);
      expect(failures).toEqual([]);
      expect(acknowledged).toBe(3200);
    },
    SLOW,
  );

  it('16 concurrent merges of distinct keys into one JSON column: all present, zero retries', async () => {
    const table = await harness().table(DOCS);
    const id = uid('env');
    await collection(table.store).create(id, { id, data: {} });
    const clients = await all(16, async () => collection(await table.connect()));
    let retries = 0;
    await all(16, (i) =>
      clients[i]!.apply(id, [merge('data', { [`KEY_${i}`]: `value-${i}` })], {
        retry: { onRetry: () => void retries++ },
      }),
    );
    const final = await collection(table.store).get(id);
    const data = final?.value.data as Record<string, string>;
    for (let i = 0; i < 16; i++) expect(data[`KEY_${i}`]).toBe(`value-${i}`);
    expect(Object.keys(data)).toHaveLength(16);
    expect(retries).toBe(0);
  });

  it(
    'bank: concurrent transfers and reads; every read sums to 100, no balance negative',
    async () => {
      const table = await harness().table(ACCOUNTS);
      const ids = Array.from({ length: 8 }, (_, i) => `acct-${i}`);
      const setup = collection(table.store);
      for (const [i, id] of ids.entries()) await setup.create(id, { id, balance: i < 4 ? 20 : 5 });
      const clients = await all(6, async () => collection(await table.connect()));
      const sums: number[] = [];
      let transfers = 0;
      let refused = 0;
      let seed = 42;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const transfer = async (c: (typeof clients)[number]) => {
        const from = ids[rnd(8)] as string;
        let to = ids[rnd(8)] as string;
        if (to === from) to = ids[(ids.indexOf(from) + 1) % 8] as string;
        const amount = 1 + rnd(15);
        try {
          await c.transact(async (tx) => {
            await tx.apply(from, [inc('balance', -amount, { min: 0 })]);
            await tx.apply(to, [inc('balance', amount)]);
          });
          transfers++;
        } catch (e) {
          if ((e as { code?: string }).code !== 'guard_failed') throw e;
          refused++;
        }
      };
      const read = async (c: (typeof clients)[number]) => {
        const total = await c.transact(async (tx) => {
          let sum = 0;
          for (const id of ids) {
            const s = await tx.get(id);
            const b = s?.value.balance as number;
            expect(b).toBeGreaterThanOrEqual(0);
            sum += b;
          }
          return sum;
        });
        sums.push(total);
      };
      await all(6, async (w) => {
        const c = clients[w]!;
        for (let i = 0; i < 25; i++) await (w < 4 ? transfer(c) : read(c));
      });
      expect(sums).toHaveLength(50);
      expect(new Set(sums)).toEqual(new Set([100]));
      let final = 0;
      for (const id of ids) {
        const b = (await setup.get(id))?.value.balance as number;
        expect(b).toBeGreaterThanOrEqual(0);
        final += b;
      }
      expect(final).toBe(100);
      expect(transfers + refused).toBe(100);
      expect(transfers).toBeGreaterThan(0);
    },
    SLOW,
  );

  it('withLock: nowait finds the lock busy, a short wait times out, nothing is written', async () => {
    const table = await harness().table(DOCS);
    const holder = collection(table.store);
    const other = collection(await table.connect());
    const id = uid('lock');
    await holder.create(id, { id, n: 0 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const holding = holder.withLock(id, async (locked) => {
      entered();
      await held;
      await locked.apply([inc('n', 1)]);
    });
    await inside;
    const busy = await rejects(() =>
      other.withLock(id, async (l) => l.apply([set('title', 'nowait')]), { nowait: true, retry: { attempts: 1 } }),
    );
    expect(busy).toMatchObject({ code: 'lock_busy', retryable: true });
    const timeout = await rejects(() =>
      other.withLock(id, async (l) => l.apply([set('title', 'late')]), { lockTimeoutMs: 150, retry: { attempts: 1 } }),
    );
    expect(timeout).toMatchObject({ code: 'lock_timeout', retryable: true });
    release();
    await holding;
    const final = await holder.get(id);
    expect(final?.value.n).toBe(1);
    expect(final?.value.title ?? null).toBeNull();
  });
}
