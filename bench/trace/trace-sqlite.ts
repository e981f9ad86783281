import type Database from 'better-sqlite3';

/** One call noclobber made on a better-sqlite3 connection. */
export interface TracedSqliteCall {
  readonly kind: 'exec' | 'get' | 'run' | 'all';
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Wraps a better-sqlite3 connection so that every `exec` and every statement call made
 * through it is recorded into `trace` (to replay exactly what noclobber runs).
 * @example
 * ```ts
 * const trace: TracedSqliteCall[] = [];
 * const store = new SqliteStore(traceSqlite(db, trace), { table: 't', key: 'id' });
 * ```
 */
export function traceSqlite(db: Database.Database, trace: TracedSqliteCall[]): Database.Database {
  return new Proxy(db, {
    get(t, prop) {
      if (prop === 'exec') {
        return (sql: string) => {
          trace.push({ kind: 'exec', sql, params: [] });
          return t.exec(sql);
        };
      }
      if (prop === 'prepare') {
        return (sql: string) => {
          const stmt = t.prepare(sql);
          const wrap =
            (kind: 'get' | 'run' | 'all') =>
            (...params: unknown[]) => {
              trace.push({ kind, sql, params });
              return (stmt[kind] as (...p: unknown[]) => unknown)(...params);
            };
          return { get: wrap('get'), run: wrap('run'), all: wrap('all') };
        };
      }
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}
