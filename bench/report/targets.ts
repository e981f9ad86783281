import type { HotRowCell } from '../sections/hot-row-cell.js';
import type { BenchResults } from './bench-results.js';

/** One speed target of the project, judged on one run's medians. */
export interface TargetResult {
  readonly target: string;
  /** Which database / rows it was judged on. */
  readonly scope: string;
  /** Undefined when the run did not measure it (a section left out, a peer that could not run). */
  readonly met: boolean | undefined;
  /** The measured figure, worst case first. */
  readonly value: string;
  readonly detail: string;
}

type Measured = Omit<BenchResults, 'meta' | 'targets' | 'violations'>;

const x = (r: number) => `${r.toFixed(2)}×`;

function cell(cells: readonly HotRowCell[] | undefined, strategy: string, writers: number): HotRowCell | undefined {
  return cells?.find((c) => c.strategy === strategy && c.writers === writers);
}

function writerCounts(cells: readonly HotRowCell[] | undefined): number[] {
  return [...new Set((cells ?? []).map((c) => c.writers))].sort((a, b) => a - b);
}

/** A ratio judged at every writer count: met when the smallest reaches `min`. */
function everyCount(
  target: string,
  scope: string,
  min: number,
  pairs: { writers: number; ratio: number }[],
  what: string,
): TargetResult {
  if (pairs.length === 0) return { target, scope, met: undefined, value: 'not measured', detail: '' };
  const worst = pairs.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return {
    target,
    scope,
    met: worst.ratio >= min,
    value: `${x(worst.ratio)} at ${worst.writers} writer${worst.writers === 1 ? '' : 's'}`,
    detail: `${what}: ${pairs.map((p) => `${p.writers} → ${x(p.ratio)}`).join(', ')}`,
  };
}

function overheadTargets(m: Measured): TargetResult[] {
  return (m.overhead ?? [])
    .filter((r) => r.call === 'apply')
    .flatMap((r) => [
      {
        target: '`apply` adds ≤ 15 µs per operation',
        scope: r.db,
        met: r.addedUs.median <= 15,
        value: `+${r.addedUs.median.toFixed(1)} µs`,
        detail: `median ${r.noclobberUs.median.toFixed(1)} µs vs ${r.rawUs.median.toFixed(1)} µs hand-written; SQL share +${r.sqlUs.median.toFixed(1)} µs, library share +${r.libraryUs.median.toFixed(1)} µs`,
      },
      {
        target: '`apply` throughput ≥ 0.95× raw',
        scope: r.db,
        met: r.throughputRatio.median >= 0.95,
        value: x(r.throughputRatio.median),
        detail: `one writer, distinct rows; spread ${x(r.throughputRatio.min)}–${x(r.throughputRatio.max)}`,
      },
    ]);
}

function hotRowTargets(cells: readonly HotRowCell[] | undefined, db: string): TargetResult[] {
  if (!cells?.length) return [];
  const counts = writerCounts(cells);
  const top = Math.max(...counts);
  const g = (s: string, w: number) => cell(cells, s, w)?.goodput.median ?? Number.NaN;
  const peak = Math.max(...counts.map((w) => g('update', w)));
  const peakAt = counts.find((w) => g('update', w) === peak);
  return [
    everyCount(
      '`update` ≥ 0.9× a hand-written optimistic loop (same backoff)',
      db,
      0.9,
      counts.map((w) => ({ writers: w, ratio: g('update', w) / g('hand-written', w) })),
      'goodput ratio by writers',
    ),
    {
      target: `at ${top} writers \`update\` keeps ≥ 0.8× its own peak goodput`,
      scope: db,
      met: g('update', top) / peak >= 0.8,
      value: x(g('update', top) / peak),
      detail: `${Math.round(g('update', top))}/s at ${top} writers vs peak ${Math.round(peak)}/s at ${peakAt}`,
    },
    {
      target: `at ${top} writers \`update\` ≥ 0.5× \`withLock\``,
      scope: db,
      met: g('update', top) / g('withLock', top) >= 0.5,
      value: x(g('update', top) / g('withLock', top)),
      detail: `${Math.round(g('update', top))}/s vs ${Math.round(g('withLock', top))}/s`,
    },
  ];
}

function pgbenchTargets(m: Measured): TargetResult[] {
  const hot = m.hotRow;
  if (!hot?.pgbench.length) return [];
  return (['apply', 'withLock'] as const).map((strategy) => {
    const same = hot.pgbench.filter((p) => p.strategy === strategy && p.script.endsWith('same SQL'));
    const pairs = same.flatMap((p) => {
      const c = cell(hot.postgres, strategy, p.writers);
      return c ? [{ writers: p.writers, ratio: c.goodput.median / p.tps.median }] : [];
    });
    const minimal = hot.pgbench.filter((p) => p.strategy === strategy && p.script.endsWith('minimal SQL'));
    const vsMinimal = minimal.flatMap((p) => {
      const c = cell(hot.postgres, strategy, p.writers);
      return c ? [`${p.writers} → ${x(c.goodput.median / p.tps.median)}`] : [];
    });
    const r = everyCount(
      `\`${strategy}\` ≥ 0.9× pgbench running the same SQL`,
      'postgres',
      0.9,
      pairs,
      'vs pgbench, same SQL',
    );
    return vsMinimal.length
      ? { ...r, detail: `${r.detail}; vs pgbench, minimal hand-written SQL: ${vsMinimal.join(', ')}` }
      : r;
  });
}

function peerTargets(m: Measured): TargetResult[] {
  if (!m.peers?.length) return [];
  const target = "noclobber's best strategy ≥ every peer's goodput";
  const failed = m.peers.filter((p) => p.error).map((p) => p.name);
  const pairs: { writers: number; ratio: number; peer: string; best: string }[] = [];
  for (const peer of m.peers) {
    for (const pc of peer.cells) {
      const ours = (m.hotRow?.postgres ?? []).filter((c) => c.noclobber && c.writers === pc.writers);
      if (ours.length === 0) continue;
      const best = ours.reduce((a, b) => (b.goodput.median > a.goodput.median ? b : a));
      pairs.push({
        writers: pc.writers,
        ratio: best.goodput.median / Math.max(1e-9, pc.goodput.median),
        peer: peer.name,
        best: best.strategy,
      });
    }
  }
  if (pairs.length === 0)
    return [
      {
        target,
        scope: 'postgres',
        met: undefined,
        value: 'not measured',
        detail: failed.length ? `could not run: ${failed.join(', ')}` : '',
      },
    ];
  const worst = pairs.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return [
    {
      target,
      scope: 'postgres',
      met: failed.length ? undefined : worst.ratio >= 1,
      value: `${x(worst.ratio)} (${worst.best} vs ${worst.peer} at ${worst.writers} writer${worst.writers === 1 ? '' : 's'})`,
      detail: `smallest margin of noclobber's best over each peer, at every writer count${failed.length ? `; NOT JUDGED: ${failed.join(', ')} could not run` : ''}`,
    },
  ];
}

/**
 * Judges the project's speed targets on one run's medians. They are reported, never tuned for:
 * a target not met says by how much.
 * @example
 * ```ts
 * for (const t of evaluateTargets(measured)) console.log(t.met ? 'met' : 'NOT MET', t.target, t.value);
 * ```
 */
export function evaluateTargets(m: Measured, violations: readonly string[]): TargetResult[] {
  const rows =
    [...(m.hotRow?.postgres ?? []), ...(m.sqliteHotRow ?? []), ...(m.prisma ?? [])].filter((c) => c.noclobber).length +
    (m.disjoint ?? []).filter((d) => d.variant === 'apply(merge)').length +
    (m.processes ?? []).length;
  return [
    ...overheadTargets(m),
    ...hotRowTargets(m.hotRow?.postgres, 'postgres'),
    ...hotRowTargets(m.sqliteHotRow, 'sqlite'),
    ...pgbenchTargets(m),
    {
      target: 'zero lost updates in every noclobber row',
      scope: 'all',
      met: violations.length === 0,
      value: violations.length === 0 ? `0 lost in ${rows} rows` : `${violations.length} violation(s)`,
      detail:
        violations.length === 0
          ? 'hot row (PostgreSQL, SQLite, Prisma), disjoint merges, 4 processes: every acknowledged write present exactly once'
          : violations.join('; '),
    },
    ...peerTargets(m),
  ];
}

/**
 * Every way a noclobber row lost, duplicated or invented a write.
 * @example
 * ```ts
 * const violations = findViolations(measured); // [] when nothing was lost
 * ```
 */
export function findViolations(m: Measured): string[] {
  const out: string[] = [];
  for (const c of [...(m.hotRow?.postgres ?? []), ...(m.sqliteHotRow ?? []), ...(m.prisma ?? [])]) {
    if (!c.noclobber) continue;
    if (c.lost) out.push(`hot row ${c.db} ${c.strategy} ${c.writers} writers: ${c.lost} lost`);
    if (c.phantom) out.push(`hot row ${c.db} ${c.strategy} ${c.writers} writers: ${c.phantom} applied twice`);
  }
  for (const d of m.disjoint ?? [])
    if (d.variant === 'apply(merge)' && d.missing) out.push(`disjoint ${d.workload}: ${d.missing} keys lost`);
  for (const p of m.processes ?? []) {
    if (p.lost) out.push(`processes ${p.db}: ${p.lost} lost`);
    if (p.duplicated) out.push(`processes ${p.db}: ${p.duplicated} duplicated or unknown`);
    if (!p.counterOk) out.push(`processes ${p.db}: counter outside [acknowledged, attempted]`);
  }
  return out;
}
