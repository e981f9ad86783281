import { add, type Collection, inc, type Row, type Store } from '../core/index.js';

/** How a race writes. `naive` is the bug being demonstrated; the others are noclobber. */
export type Strategy = 'naive' | 'update' | 'apply' | 'withLock';

/** Every strategy, naive first. */
export const STRATEGIES: readonly Strategy[] = ['naive', 'update', 'apply', 'withLock'];

/** What one write reports back to the harness. */
export interface WriteCounters {
  attempts: number;
  retries: number;
}

/** The handler's I/O between reading and writing (a short random pause). */
export type Pause = () => Promise<void>;

/**
 * Performs one logical write — increment `n` and add `marker` to `markers` — with the
 * chosen strategy, counting attempts and retries into `counters`.
 * @example
 * ```ts
 * await writeOnce('update', docs, store, 'row-0', 'w1-7', counters, pause);
 * ```
 */
export async function writeOnce(
  strategy: Strategy,
  docs: Collection<Row>,
  store: Store<Row>,
  id: string,
  marker: string,
  counters: WriteCounters,
  pause: Pause,
): Promise<void> {
  const retry = { onRetry: () => void counters.retries++ };
  switch (strategy) {
    case 'naive': {
      // Read, do some I/O, write the whole value back with no condition: last writer wins.
      counters.attempts++;
      const snap = await store.get(id);
      await pause();
      const v = snap?.value as { n: number; markers: string[] };
      await store.write({
        key: id,
        change: { value: { ...v, n: v.n + 1, markers: [...v.markers, marker] } },
        expect: { exists: true },
      });
      return;
    }
    case 'update':
      await docs.update(
        id,
        async (v) => {
          counters.attempts++;
          await pause();
          return { ...v, n: (v.n as number) + 1, markers: [...(v.markers as string[]), marker] };
        },
        { retry },
      );
      return;
    case 'apply':
      counters.attempts++;
      await docs.apply(id, [inc('n', 1), add('markers', marker)], { retry });
      return;
    case 'withLock':
      await docs.withLock(
        id,
        async (locked) => {
          counters.attempts++;
          await pause();
          await locked.apply([inc('n', 1), add('markers', marker)]);
        },
        { retry, lockTimeoutMs: 30_000 },
      );
      return;
  }
}
