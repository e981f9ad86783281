/**
 * The ways the hot-row benchmark adds 1 to the counter. `naive` and `hand-written` are
 * what people write without noclobber; the other three are noclobber's calls.
 */
export type HotRowStrategy = 'naive' | 'hand-written' | 'update' | 'withLock' | 'apply';

/** Every strategy, in table order. */
export const HOT_ROW_STRATEGIES: readonly HotRowStrategy[] = ['naive', 'hand-written', 'update', 'withLock', 'apply'];

/**
 * PostgreSQL only: `apply`'s own statement (traced) sent on the raw `pg` pool — the Node
 * driver's ceiling for that statement, between noclobber's `apply` and pgbench.
 */
export const RAW_APPLY_SQL = 'apply SQL on raw pg';

/** A PostgreSQL hot-row strategy. */
export type PgHotRowStrategy = HotRowStrategy | typeof RAW_APPLY_SQL;

/** The PostgreSQL strategies, in table order. */
export const PG_HOT_ROW_STRATEGIES: readonly PgHotRowStrategy[] = [...HOT_ROW_STRATEGIES, RAW_APPLY_SQL];

/** The strategies that are noclobber's own: the benchmark fails if any of them loses a write. */
export const NOCLOBBER_STRATEGIES: ReadonlySet<string> = new Set(['update', 'withLock', 'apply']);

/** What each strategy does, for the tables. */
export const STRATEGY_NOTES: Readonly<Record<PgHotRowStrategy, string>> = {
  naive: 'read, then write the new value back unconditionally (the bug)',
  'hand-written': 'read + `UPDATE … WHERE version = $v`, full-jitter backoff, 12 tries, no escalation',
  update: '`update(key, fn)`: optimistic, full-jitter backoff, escalates to the lock after 3 conflicts',
  withLock: '`withLock(key, fn)`: `SELECT … FOR UPDATE` (SQLite: `BEGIN IMMEDIATE`), then write',
  apply: '`apply(key, [inc(n, 1)])`: one conditional statement, no read',
  [RAW_APPLY_SQL]:
    "PostgreSQL only: `apply`'s traced statement sent by hand on the same `pg` connection (no library code)",
};
