import { type Collection, inc, type Row, set } from 'noclobber';
import type { WriteOnce } from '../sections/run-hot-row-cell.js';

/**
 * One hot-row write through a noclobber strategy (add 1 to `n` of `key`), returning how
 * many attempts it took: the same code for every database the benchmark runs.
 * @example
 * ```ts
 * const write = noclobberWriter('update', docs, 'row-0');
 * const attempts = await write();
 * ```
 */
export function noclobberWriter(
  strategy: 'update' | 'withLock' | 'apply',
  docs: Collection<Row>,
  key: string,
): WriteOnce {
  switch (strategy) {
    case 'update':
      return async () => {
        let attempts = 0;
        await docs.update(key, (v) => {
          attempts++;
          return { ...v, n: (v.n as number) + 1 };
        });
        return attempts;
      };
    case 'withLock':
      return async () => {
        let attempts = 0;
        await docs.withLock(key, async (locked) => {
          attempts++;
          await locked.apply([set('n', (locked.value?.n as number) + 1)]);
        });
        return attempts;
      };
    case 'apply':
      return async () => {
        let retries = 0;
        await docs.apply(key, [inc('n', 1)], { retry: { onRetry: () => void retries++ } });
        return 1 + retries;
      };
  }
}
