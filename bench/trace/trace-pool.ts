import type pg from 'pg';

/** One statement a pool or one of its clients was asked to run. */
export interface TracedQuery {
  readonly sql: string;
  readonly values: readonly unknown[];
}

/**
 * Wraps a `pg.Pool` so that every query — on the pool and on clients it hands out — is
 * recorded into `trace` before it is sent. Used once per statement shape, to replay
 * exactly what noclobber sends (on the raw driver, and through pgbench).
 * @example
 * ```ts
 * const trace: TracedQuery[] = [];
 * const store = await PostgresStore.open(tracePool(pool, trace), { table: 't', key: 'id' });
 * ```
 */
export function tracePool(pool: pg.Pool, trace: TracedQuery[]): pg.Pool {
  const record = (target: { query: (...a: never[]) => unknown }) =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === 'query') {
          return (sql: string, values?: unknown[]) => {
            trace.push({ sql, values: values ?? [] });
            return (t.query as (s: string, v?: unknown[]) => unknown)(sql, values);
          };
        }
        const v = Reflect.get(t, prop, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
  return new Proxy(pool, {
    get(t, prop) {
      if (prop === 'query') return record(t as never).query;
      if (prop === 'connect') return async () => record((await t.connect()) as never);
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}
