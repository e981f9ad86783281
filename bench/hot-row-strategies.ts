/**
 * The ways the hot-row benchmark adds 1 to the counter. `naive` and `hand-written` are
 * what people write without noclobber; the other three are noclobber's calls.
 */
export type HotRowStrategy = 'naive' | 'hand-written' | 'update' | 'withLock' | 'apply';

/** Every strategy, in table order. */
export const HOT_ROW_STRATEGIES: readonly HotRowStrategy[] = ['naive', 'hand-written', 'update', 'withLock', 'apply'];

/** The strategies that are noclobber's own: the benchmark fails if any of them loses a write. */
export const NOCLOBBER_STRATEGIES: ReadonlySet<string> = new Set(['update', 'withLock', 'apply']);

/** What each strategy does, for the tables. */
export const STRATEGY_NOTES: Readonly<Record<HotRowStrategy, string>> = {
  naive: 'read, then write the new value back unconditionally (the bug)',
  'hand-written': 'read + `UPDATE … WHERE version = $v`, full-jitter backoff, 12 tries, no escalation',
  update: '`update(key, fn)`: optimistic, full-jitter backoff, escalates to the lock after 3 conflicts',
  withLock: '`withLock(key, fn)`: `SELECT … FOR UPDATE` (SQLite: `BEGIN IMMEDIATE`), then write',
  apply: '`apply(key, [inc(n, 1)])`: one conditional statement, no read',
};
