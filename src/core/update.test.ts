import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { collection } from './collection.js';
import { LockBusyError } from './errors/lock-busy-error.js';
import { inc } from './ops.js';
import { backoffDelay, resolveRetry } from './retry-policy.js';

function counters() {
  const c = collection(new MemoryStore({ key: 'id' }));
  return c;
}

describe('retry policy', () => {
  it('full jitter stays within the capped exponential ceiling', () => {
    const p = resolveRetry({ baseMs: 2, capMs: 50 });
    for (let n = 1; n <= 12; n++) {
      const ceiling = Math.min(50, 2 * 2 ** (n - 1));
      expect(backoffDelay(n, p, () => 0)).toBe(0);
      expect(backoffDelay(n, p, () => 0.999999)).toBeLessThan(ceiling);
      expect(backoffDelay(n, p, () => 0.999999)).toBeGreaterThan(ceiling * 0.99);
    }
  });

  it('later layers win and bad attempts are refused', () => {
    expect(resolveRetry({ attempts: 3 }, { attempts: 5, capMs: 9 })).toMatchObject({
      attempts: 5,
      capMs: 9,
      baseMs: 2,
    });
    expect(() => resolveRetry({ attempts: 0 })).toThrow(RangeError);
  });
});

describe('update loop', () => {
  it('re-runs the intent on a conflict, then escalates to the lock so it cannot starve', async () => {
    const c = counters();
    await c.create('x', { id: 'x', n: 0, log: [] });
    let calls = 0;
    const underLockSeen: boolean[] = [];
    const result = await c.update(
      'x',
      async (v) => {
        calls++;
        // A competing writer lands between our read and our write, every time it can.
        const competing = c.apply('x', [inc('n', 100)]);
        const settled = await Promise.race([
          competing.then(() => 'landed'),
          new Promise((r) => setTimeout(() => r('blocked'), 20)),
        ]);
        underLockSeen.push(settled === 'blocked');
        return { ...v, log: [...(v.log as string[]), `attempt-${calls}`] };
      },
      { retry: { escalateAfter: 3, baseMs: 1, capMs: 2 } },
    );
    expect(calls).toBe(4);
    expect(underLockSeen).toEqual([false, false, false, true]);
    expect(result.value.log).toEqual(['attempt-4']);
    await new Promise((r) => setTimeout(r, 10));
    expect((await c.get('x'))?.value.n).toBe(400);
  });

  it("counts writes refused by another holder's lock (a lease) as contention and escalates to waiting for the lock", async () => {
    const store = new MemoryStore({ key: 'id' });
    let refused = 0;
    let locked = 0;
    // Plain writes meet a held lease (as on DynamoDB) until the writer takes the lock itself.
    const leased: typeof store = Object.assign(Object.create(store) as typeof store, {
      write: async () => {
        refused++;
        throw new LockBusyError('held by another withLock');
      },
      lock: (
        key: Parameters<typeof store.lock>[0],
        fn: Parameters<typeof store.lock>[1],
        options: Parameters<typeof store.lock>[2],
      ) => {
        locked++;
        return store.lock(key, fn, options);
      },
      get: (key: Parameters<typeof store.get>[0]) => store.get(key),
    });
    await store.write({ key: 'x', change: { value: { id: 'x', n: 0 } }, expect: { absent: true } });
    const result = await collection(leased).update('x', (v) => ({ ...v, n: (v.n as number) + 1 }), {
      retry: { escalateAfter: 3, attempts: 5, baseMs: 1, capMs: 1 },
    });
    expect(refused).toBe(3);
    expect(locked).toBe(1);
    expect(result.value.n).toBe(1);
  });

  it('gives up at the attempt budget with the last conflict, attempts recorded', async () => {
    const c = counters();
    await c.create('x', { id: 'x', n: 0 });
    const err = await c
      .update(
        'x',
        async (v) => {
          await c.apply('x', [inc('n', 1)]);
          return { ...v, touched: true };
        },
        { retry: { attempts: 3, escalateAfter: Number.POSITIVE_INFINITY, baseMs: 1, capMs: 1 } },
      )
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'conflict', reason: 'stale', attempts: 3 });
  });

  it('honours an AbortSignal and a deadline', async () => {
    const c = counters();
    await c.create('x', { id: 'x', n: 0 });
    const ac = new AbortController();
    ac.abort();
    await expect(c.update('x', (v) => ({ ...v, n: 1 }), { retry: { signal: ac.signal } })).rejects.toMatchObject({
      code: 'aborted',
      reason: 'signal',
    });
    const err = await c
      .update(
        'x',
        async (v) => {
          await c.apply('x', [inc('n', 1)]);
          return { ...v, n: -1 };
        },
        { retry: { deadlineMs: 30, baseMs: 20, capMs: 20, escalateAfter: Number.POSITIVE_INFINITY, attempts: 100 } },
      )
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'aborted', reason: 'deadline' });
    expect(err.cause).toMatchObject({ code: 'conflict' });
  });

  it('reports each retry to onRetry', async () => {
    const c = counters();
    await c.create('x', { id: 'x', n: 0 });
    const seen: number[] = [];
    let first = true;
    await c.update(
      'x',
      async (v) => {
        if (first) {
          first = false;
          await c.apply('x', [inc('n', 1)]);
        }
        return { ...v, n: (v.n as number) + 10 };
      },
      { retry: { onRetry: (i) => void seen.push(i.attempt) } },
    );
    expect(seen).toEqual([1]);
    expect((await c.get('x'))?.value.n).toBe(11);
  });
});
