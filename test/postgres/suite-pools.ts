import type pg from 'pg';
import { afterAll } from 'vitest';
import { newPool } from './pg-harness.js';

/**
 * The pools of one describe block, all ended after it: `pool()` opens one on the suite's
 * server (or on `u`), `adopt(p)` ends a pool made another way with them.
 * @example
 * ```ts
 * const { pool } = suitePools(url);
 * const docs = collection(await PostgresStore.open(pool(), { table, key: 'id' }));
 * ```
 */
export function suitePools(url: string): {
  pool: (u?: string, max?: number) => pg.Pool;
  adopt: (p: pg.Pool) => pg.Pool;
} {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });
  return {
    pool: (u = url, max = 3) => {
      const p = newPool(u, max);
      pools.push(p);
      return p;
    },
    adopt: (p) => {
      pools.push(p);
      return p;
    },
  };
}
