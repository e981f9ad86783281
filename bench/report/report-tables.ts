import { formatSummary as f } from '../lib/summarize.js';
import type { HotRowCell } from '../sections/hot-row-cell.js';
import { PRISMA_NOTES } from '../sections/prisma-hot-row.js';
import { STRATEGY_NOTES } from '../writers/hot-row-strategies.js';
import type { BenchResults } from './bench-results.js';

/** One table of the report, rendered both on the terminal and in docs/benchmarks.md. */
export interface ReportTable {
  readonly title: string;
  /** What was run, one paragraph (Markdown). */
  readonly intro: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines under the table (Markdown). */
  readonly notes: readonly string[];
}

const spreadNote = 'Cells are `median (min–max)` over the repetitions.';

function verdict(met: boolean | undefined): string {
  return met === undefined ? 'not judged' : met ? 'met' : 'NOT MET';
}

function hotRowRows(cells: readonly HotRowCell[]): string[][] {
  return cells.map((c) => [
    String(c.writers),
    c.strategy,
    f(c.goodput),
    f(c.attemptsPerSuccess, 2),
    f(c.p50Ms, 2),
    f(c.p99Ms, 1),
    String(c.lost),
    String(c.failed),
    f(c.nodeCpuPct),
    f(c.machineCpuPct),
    f(c.otherCpuPct),
  ]);
}

const HOT_HEADERS = [
  'writers',
  'strategy',
  'goodput/s',
  'attempts/success',
  'p50 ms',
  'p99 ms',
  'lost',
  'failed',
  'Node CPU %',
  'machine CPU %',
  'other work %',
];
const CPU_NOTE =
  'Node CPU is the benchmark process in % of one core; machine CPU is every process (Node, PostgreSQL, pgbench) in % of all cores; ' +
  '**other work** is CPU used by processes that are not the benchmark’s, in % of all cores — a cell with more than a few percent shared the machine with someone else and is less trustworthy. ' +
  '(Kernel threads flushing files on the benchmark’s behalf also count as other work: a few percent is normal.)';

/**
 * The report's tables, built once from the results for both renderers.
 * @example
 * ```ts
 * for (const t of reportTables(results)) console.log(t.title);
 * ```
 */
export function reportTables(r: BenchResults): ReportTable[] {
  const out: ReportTable[] = [];
  out.push({
    title: 'Targets',
    intro: 'The project’s speed targets, judged on this run’s medians. They are reported, not tuned for.',
    headers: ['target', 'scope', 'result', 'measured', 'detail'],
    rows: r.targets.map((t) => [t.target, t.scope, verdict(t.met), t.value, t.detail]),
    notes: [],
  });
  if (r.overhead) {
    out.push({
      title: 'Overhead: one writer, distinct rows',
      intro:
        'Each operation writes its own row. Three variants are interleaved call by call: the work written by hand on the same driver, ' +
        'noclobber’s own SQL sent by hand on that driver (traced from a real call), and the noclobber call. The difference between the first two is ' +
        'the database’s share of the added time (a bigger statement), between the last two the library’s JavaScript.',
      headers: [
        'db',
        'call',
        'hand-written µs',
        "noclobber's SQL by hand µs",
        'noclobber µs',
        'added µs',
        'of which SQL',
        'of which library',
        'throughput vs raw',
      ],
      rows: r.overhead.map((o) => [
        o.db,
        o.call,
        f(o.rawUs, 1),
        f(o.sameSqlUs, 1),
        f(o.noclobberUs, 1),
        f(o.addedUs, 1),
        f(o.sqlUs, 1),
        f(o.libraryUs, 1),
        `${f(o.throughputRatio, 2)}×`,
      ]),
      notes: [
        spreadNote,
        'Latencies are per-operation medians; the throughput ratio is total time of the hand-written calls ÷ total time of the noclobber calls (so stalls count).',
        ...r.overhead.map(
          (o) => `${o.db} \`${o.call}\`, hand-written: ${o.raw}; ${o.ops} operations per variant per repetition.`,
        ),
      ],
    });
  }
  if (r.hotRow) {
    out.push({
      title: 'Hot row on PostgreSQL',
      intro:
        'N writers, each on its own connection, add 1 to the same row for a fixed time. Goodput counts acknowledged writes that are really in the row ' +
        '(`lost` = acknowledged − counter); `failed` writes returned an error to their caller (a hand-written loop that ran out of tries). ' +
        Object.entries(STRATEGY_NOTES)
          .map(([k, v]) => `**${k}**: ${v}.`)
          .join(' '),
      headers: HOT_HEADERS,
      rows: hotRowRows(r.hotRow.postgres),
      notes: [spreadNote, 'Lost and failed are totals over the repetitions.', CPU_NOTE],
    });
    out.push({
      title: 'pgbench ceiling',
      intro:
        'Debian’s pgbench runs, against the same server and table at the same client count, the statements noclobber sends (traced from a real call; ' +
        'the lock’s `SELECT … FOR UPDATE` stores the row with `\\gset` so the write is conditioned on the version really read) and, for reference, the minimal hand-written SQL. ' +
        'Prepared statements (`-M prepared`: planned once per connection, as noclobber and every hand-written variant here send theirs), `-j 2`.',
      headers: [
        'clients',
        'script',
        'pgbench tps',
        'pgbench latency ms',
        'machine CPU %',
        'other work %',
        'noclobber goodput/s',
        'noclobber ÷ pgbench',
      ],
      rows: r.hotRow.pgbench.map((p) => {
        const ours = r.hotRow?.postgres.find((c) => c.strategy === p.strategy && c.writers === p.writers);
        return [
          String(p.writers),
          p.script,
          f(p.tps),
          f(p.latencyMs, 2),
          f(p.machineCpuPct),
          f(p.otherCpuPct),
          ours ? f(ours.goodput) : '–',
          ours ? `${(ours.goodput.median / p.tps.median).toFixed(2)}×` : '–',
        ];
      }),
      notes: [
        spreadNote,
        CPU_NOTE,
        `Counter check after every pgbench run: ${r.hotRow.pgbench.every((p) => p.lost === 0) ? 'every reported transaction is in the row' : 'MISMATCH — see results.json'}.`,
      ],
    });
  }
  if (r.sqliteHotRow) {
    out.push({
      title: 'Hot row on SQLite (one process)',
      intro:
        'The same workload on one SQLite file (WAL), every writer on its own connection inside one Node process. noclobber’s connections to a file take turns through its in-process gate; ' +
        'the hand-written strategies yield one event-loop turn between read and write (any async handler does), without which no other writer could interleave.',
      headers: HOT_HEADERS,
      rows: hotRowRows(r.sqliteHotRow),
      notes: [spreadNote, CPU_NOTE],
    });
  }
  if (r.disjoint) {
    out.push({
      title: 'Disjoint keys merged into one jsonb column',
      intro:
        'Each writer merges keys nobody else writes into `env`: all on one row, or on 1,000 rows picked by Zipf’s law (s = 1.1, seeded). ' +
        '`apply([merge(…)])` against the raw `UPDATE … SET env = env || $1`. A fixed number of merges per writer, so both variants grow the JSON alike.',
      headers: ['workload', 'variant', 'writers', 'writes/s', 'p50 ms', 'p99 ms', 'keys missing', 'retries'],
      rows: r.disjoint.map((d) => [
        d.workload,
        d.variant,
        String(d.writers),
        f(d.writesPerSec),
        f(d.p50Ms, 1),
        f(d.p99Ms, 1),
        String(d.missing),
        String(d.retries),
      ]),
      notes: [spreadNote],
    });
  }
  if (r.processes) {
    out.push({
      title: 'Several processes on one hot row',
      intro:
        '4 Node processes, started and connected before a common “go”, write the same row through `update`, `apply` and `withLock` in turn; each write adds 1 and a unique marker. ' +
        'The lost-update oracle then checks every acknowledged marker is present exactly once and the counter lies within [acknowledged, attempted].',
      headers: ['db', 'processes × writers', 'writes/s', 'acknowledged', 'failed', 'lost', 'duplicated', 'counter'],
      rows: r.processes.map((p) => [
        p.db,
        `${p.processes} × ${p.writersPerProcess}`,
        f(p.writesPerSec),
        String(p.acknowledged),
        String(p.failed),
        String(p.lost),
        String(p.duplicated),
        p.counterOk ? 'ok' : 'WRONG',
      ]),
      notes: [
        spreadNote,
        'Totals over the repetitions. SQLite: one WAL file, one connection per process, kept apart by SQLite’s own locks.',
      ],
    });
  }
  if (r.peers) {
    const rows: string[][] = [];
    for (const p of r.peers) {
      if (p.error) rows.push(['–', p.name, `COULD NOT RUN: ${p.error}`, ...HOT_HEADERS.slice(3).map(() => '')]);
      else rows.push(...hotRowRows(p.cells));
    }
    for (const w of [...new Set((r.hotRow?.postgres ?? []).map((c) => c.writers))]) {
      const ours = (r.hotRow?.postgres ?? []).filter((c) => c.noclobber && c.writers === w);
      if (!ours.length || !r.peers.some((p) => p.cells.some((c) => c.writers === w))) continue;
      const best = ours.reduce((a, b) => (b.goodput.median > a.goodput.median ? b : a));
      rows.push(hotRowRows([{ ...best, strategy: `noclobber best (${best.strategy})` }])[0] as string[]);
    }
    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    out.push({
      title: 'Peers on the same hot row',
      intro:
        'The same PostgreSQL hot-row workload in the same run, through each library’s documented version check, 1…64 writers sharing the library’s own pool of that many connections. ' +
        'Every retry loop uses the same full-jitter backoff (2–200 ms, 12 tries) as the hand-written loop. ' +
        r.peers.map((p) => `**${p.name}**: ${p.how}.`).join(' '),
      headers: ['writers', 'library', ...HOT_HEADERS.slice(2)],
      rows,
      notes: [
        spreadNote,
        '`noclobber best` repeats, for comparison, the best noclobber strategy at that writer count from the hot-row table.',
        CPU_NOTE,
      ],
    });
  }
  if (r.prisma) {
    out.push({
      title: 'Prisma on the same hot row',
      intro:
        'The PostgreSQL hot row through Prisma 7 with `@prisma/adapter-pg`: 1…64 writers share one `PrismaClient` whose pool has that many connections. ' +
        Object.entries(PRISMA_NOTES)
          .map(([s, note]) => `**${s}**: ${note}.`)
          .join(' '),
      headers: HOT_HEADERS,
      rows: hotRowRows(r.prisma),
      notes: [
        spreadNote,
        '`failed` counts writes that gave up. noclobber’s rows must lose nothing; Prisma’s are reported as they are.',
        CPU_NOTE,
      ],
    });
  }
  return out;
}
