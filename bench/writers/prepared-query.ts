import type pg from 'pg';

const names = new Map<string, string>();

/**
 * Sends a hand-written statement the way a careful hand-writer would, and the way
 * noclobber sends its own: named, so node-postgres prepares it once per connection and
 * PostgreSQL plans it once. Every raw variant of the benchmark goes through here, so the
 * comparisons measure the library, not the planner.
 * @example
 * ```ts
 * const r = await preparedQuery(pool, 'UPDATE t SET n = n + 1 WHERE id = $1', ['a']);
 * ```
 */
export function preparedQuery(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult> {
  let name = names.get(text);
  if (!name) {
    name = `bench_${names.size + 1}`;
    names.set(text, name);
  }
  return pool.query({ name, text, values });
}
