/** One row as read back after a race. */
export interface RaceRow {
  readonly id: string;
  readonly n: number;
  readonly markers: readonly string[];
}

/** What the oracle found. */
export interface OracleReport {
  /** Acknowledged markers missing from every row: lost updates. */
  readonly lost: readonly string[];
  /** Markers present more than once: a write applied twice. */
  readonly duplicated: readonly string[];
  /** Markers present that no writer ever attempted. */
  readonly unknown: readonly string[];
  /** The counters' total, and whether it lies within [acknowledged, attempted]. */
  readonly counterTotal: number;
  readonly counterOk: boolean;
  /** True when nothing was lost, duplicated or invented and the counters hold. */
  readonly ok: boolean;
}

/**
 * The lost-update oracle: given what writers were told (acknowledged markers), what they
 * tried (attempted markers, acknowledged or not) and the rows as they ended, checks that
 * every acknowledged write is present exactly once, nothing appeared from nowhere, and
 * each counter lies within [acknowledged, attempted] (an unacknowledged write may or may
 * not have landed, e.g. on a dropped connection).
 *
 * @example
 * ```ts
 * const report = checkHistory({ acknowledged, attempted, rows });
 * if (!report.ok) throw new Error(`lost ${report.lost.length} updates`);
 * ```
 */
export function checkHistory(history: {
  acknowledged: readonly string[];
  attempted: readonly string[];
  rows: readonly RaceRow[];
}): OracleReport {
  const counts = new Map<string, number>();
  for (const row of history.rows) for (const m of row.markers) counts.set(m, (counts.get(m) ?? 0) + 1);
  const attempted = new Set(history.attempted);
  const lost = history.acknowledged.filter((m) => !counts.has(m));
  const duplicated = [...counts].filter(([, c]) => c > 1).map(([m]) => m);
  const unknown = [...counts.keys()].filter((m) => !attempted.has(m));
  const counterTotal = history.rows.reduce((sum, r) => sum + r.n, 0);
  const counterOk = counterTotal >= history.acknowledged.length && counterTotal <= history.attempted.length;
  return {
    lost,
    duplicated,
    unknown,
    counterTotal,
    counterOk,
    ok: lost.length === 0 && duplicated.length === 0 && unknown.length === 0 && counterOk,
  };
}
