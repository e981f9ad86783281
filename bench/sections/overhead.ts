import type { BenchProgress } from '../lib/bench-progress.js';
import { cpuMeter } from '../lib/cpu-meter.js';
import { measureQuietly } from '../lib/measure-quietly.js';
import { median, type Summary, summarize } from '../lib/summarize.js';
import type { OverheadCase, OverheadOp } from './overhead-case.js';
import { postgresOverheadCases } from './overhead-postgres-cases.js';
import { sqliteOverheadCases } from './overhead-sqlite-cases.js';

/** Sizes of the overhead runs. */
export interface OverheadConfig {
  /** PostgreSQL operations per variant per repetition, one per row (distinct rows). */
  readonly ops: number;
  /** The same for SQLite, whose operations are ~50× faster (more of them even out WAL checkpoints). */
  readonly sqliteOps: number;
  readonly reps: number;
}

/** One call measured against the same work written by hand on the same driver. */
export interface OverheadRow {
  readonly db: 'postgres' | 'sqlite';
  readonly call: 'apply' | 'update';
  /** What the hand-written code does. */
  readonly raw: string;
  /** Median latency per operation (µs) of each repetition, summarised over repetitions. */
  readonly rawUs: Summary;
  /** noclobber's own SQL, sent by hand on the same driver (no library code). */
  readonly sameSqlUs: Summary;
  readonly noclobberUs: Summary;
  /** noclobber − hand-written, per repetition. */
  readonly addedUs: Summary;
  /** Of that: noclobber's SQL − the hand-written SQL (the database's share). */
  readonly sqlUs: Summary;
  /** Of that: noclobber − its own SQL sent by hand (the library's JavaScript). */
  readonly libraryUs: Summary;
  /** noclobber's operations per second ÷ hand-written's, per repetition. */
  readonly throughputRatio: Summary;
  readonly ops: number;
}

interface Block {
  readonly medianUs: number;
  /** Time spent in the variant's calls (ms): its throughput is ops / totalMs. */
  readonly totalMs: number;
}

const VARIANTS = ['raw', 'same', 'noclobber'] as const;
type Variant = (typeof VARIANTS)[number];

/**
 * Times `ops` operations of every variant, interleaved call by call (raw, same, noclobber,
 * raw, …, the order rotating), so that a checkpoint or a noisy neighbour hits all three
 * alike. Each operation goes to its own row.
 */
async function timeInterleaved(
  ops: number,
  variants: OverheadCase['variants'],
  rotation: number,
): Promise<Record<Variant, Block>> {
  const us: Record<Variant, number[]> = { raw: [], same: [], noclobber: [] };
  for (let i = 0; i < ops; i++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(k + i + rotation) % VARIANTS.length] as Variant;
      const fn: OverheadOp = variants[v];
      const t0 = process.hrtime.bigint();
      await fn(i);
      us[v].push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  const block = (xs: number[]): Block => ({ medianUs: median(xs), totalMs: xs.reduce((a, b) => a + b, 0) / 1000 });
  return { raw: block(us.raw), same: block(us.same), noclobber: block(us.noclobber) };
}

async function measure(
  c: OverheadCase,
  config: { ops: number; reps: number; between?: () => void },
  progress: BenchProgress,
): Promise<OverheadRow> {
  progress.step(`overhead · ${c.db} · ${c.call} · warm-up`);
  await timeInterleaved(Math.min(300, config.ops), c.variants, 0);
  const reps: Record<Variant, Block>[] = [];
  for (let rep = 0; rep < config.reps; rep++) {
    config.between?.();
    progress.step(`overhead · ${c.db} · ${c.call} · rep ${rep + 1}`);
    const m = await measureQuietly(
      async () => {
        const stop = cpuMeter();
        const blocks = await timeInterleaved(config.ops, c.variants, rep);
        return { blocks, otherPct: stop().otherPct };
      },
      (r) => r.otherPct,
    );
    reps.push(m.kept.blocks);
  }
  const per = (f: (b: Record<Variant, Block>) => number) => summarize(reps.map(f));
  return {
    db: c.db,
    call: c.call,
    raw: c.raw,
    rawUs: per((b) => b.raw.medianUs),
    sameSqlUs: per((b) => b.same.medianUs),
    noclobberUs: per((b) => b.noclobber.medianUs),
    addedUs: per((b) => b.noclobber.medianUs - b.raw.medianUs),
    sqlUs: per((b) => b.same.medianUs - b.raw.medianUs),
    libraryUs: per((b) => b.noclobber.medianUs - b.same.medianUs),
    throughputRatio: per((b) => b.raw.totalMs / b.noclobber.totalMs),
    ops: config.ops,
  };
}

/** Steps the progress bar counts for this section. */
export function overheadSteps(c: OverheadConfig): number {
  return 4 * (1 + c.reps);
}

/**
 * One writer on distinct rows: `apply` and `update` against the same work written by hand
 * on the same driver (pg; better-sqlite3), and against noclobber's own SQL sent by hand —
 * which splits the added time into the database's share (the statement) and the
 * library's (JavaScript). Each repetition interleaves the three variants call by call,
 * after a warm-up.
 * @example
 * ```ts
 * const rows = await overhead(url, { ops: 1000, sqliteOps: 5000, reps: 5 }, progress);
 * ```
 */
export async function overhead(url: string, config: OverheadConfig, progress: BenchProgress): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  const sides = [
    { ops: config.ops, open: () => postgresOverheadCases(url, config.ops) },
    { ops: config.sqliteOps, open: () => sqliteOverheadCases(config.sqliteOps) },
  ];
  for (const side of sides) {
    const { cases, close, between } = await side.open();
    try {
      for (const c of cases)
        rows.push(await measure(c, { ops: side.ops, reps: config.reps, ...(between ? { between } : {}) }, progress));
    } finally {
      await close();
    }
  }
  return rows;
}
