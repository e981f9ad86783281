import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../stores/memory/memory-store.js';
import { collection } from './collection.js';
import { markHot, rememberedCount, takeTurn } from './hot-keys.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('update on a hot record: this process’s updates take turns', () => {
  it('16 concurrent updates with I/O in the intent: each conflicts at most once, then waits its turn; every increment lands', async () => {
    const c = collection(new MemoryStore({ key: 'id' }));
    await c.create('hot', { id: 'hot', n: 0 });
    let calls = 0;
    await Promise.all(
      Array.from({ length: 16 }, () =>
        c.update('hot', async (v) => {
          calls++;
          await pause(5); // the handler's I/O between read and write
          return { ...v, n: (v.n as number) + 1 };
        }),
      ),
    );
    expect((await c.get('hot'))?.value.n).toBe(16);
    // All 16 read version 1 at once: one wins, 15 conflict once and then take turns.
    // Racing instead, each round would let one of the rest win: 16 + 15 + 14 + … calls.
    expect(calls).toBeLessThanOrEqual(31);
  });

  it('a turn is waited for at most maxWaitMs, then the caller goes on without it (a nested update cannot deadlock)', async () => {
    const store = {};
    expect(await takeTurn(store, 'k', 100)).toBeUndefined(); // cold: no turn, no wait
    markHot(store, 'k');
    const first = await takeTurn(store, 'k', 100);
    expect(first).toBeTypeOf('function');
    const started = Date.now();
    const second = await takeTurn(store, 'k', 100); // the first still holds it
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const third = takeTurn(store, 'k', 5000);
    first?.();
    second?.();
    expect(await third).toBeTypeOf('function'); // handed over in order once released
  });

  it('forgets records that cooled down, so many keys contended once do not grow memory', async () => {
    const store = {};
    const now = Date.now();
    const realNow = Date.now;
    try {
      for (let i = 0; i < 3000; i++) markHot(store, `k${i}`);
      expect(rememberedCount(store)).toBe(3000);
      Date.now = () => now + 10_000; // every one of them cold now
      markHot(store, 'fresh');
      expect(rememberedCount(store)).toBe(1); // the sweep dropped the cold ones
      expect(await takeTurn(store, 'k1', 10)).toBeUndefined();
      const turn = await takeTurn(store, 'fresh', 10);
      expect(turn).toBeTypeOf('function');
      turn?.();
    } finally {
      Date.now = realNow;
    }
  });

  it('store instances with the same id share turns (one store per connection, one table)', async () => {
    const a = { id: 'postgres:"t"' };
    const b = { id: 'postgres:"t"' };
    markHot(a, 'k');
    const held = await takeTurn(a, 'k', 1000);
    const started = Date.now();
    const waited = await takeTurn(b, 'k', 80);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    held?.();
    waited?.();
    expect(await takeTurn({ id: 'postgres:"other"' }, 'k', 1000)).toBeUndefined();
  });
});
