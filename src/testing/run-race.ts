import { collection, type Row } from '../core/index.js';
import { checkHistory, type OracleReport, type RaceRow } from './oracle.js';
import { percentile } from './percentile.js';
import type { RaceTarget } from './race-target.js';
import { type Strategy, type WriteCounters, writeOnce } from './strategies.js';

/** What a race runs. */
export interface RaceOptions {
  readonly target: RaceTarget;
  readonly strategy: Strategy;
  /** Concurrent writers, each on its own connection. Default 8. */
  readonly writers?: number;
  /** Writes per writer. Default 50. */
  readonly ops?: number;
  /** Rows the writers share (1 = one hot row). Default 1. */
  readonly rows?: number;
  /** Upper bound of the random pause between read and write, in ms. Default 2. */
  readonly pauseMs?: number;
  /** Called after every finished write (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One race's outcome: the row the CLI prints. */
export interface RaceResult {
  readonly strategy: Strategy;
  readonly store: string;
  readonly writers: number;
  readonly rows: number;
  readonly attempts: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly retries: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly counterOk: boolean;
  readonly throughputPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly durationMs: number;
  readonly oracle: OracleReport;
  /** The first few error messages of failed writes, for diagnosis. */
  readonly errors: readonly string[];
}

/**
 * Runs N writers, each adding unique markers through one strategy, then checks the final
 * rows with the lost-update oracle. Use it in your own tests to prove a code path safe.
 *
 * @example
 * ```ts
 * const result = await runRace({ target, strategy: 'update', writers: 16, ops: 100 });
 * expect(result.lost).toBe(0);
 * ```
 */
export async function runRace(options: RaceOptions): Promise<RaceResult> {
  const { target, strategy } = options;
  const writers = options.writers ?? 8;
  const ops = options.ops ?? 50;
  const rowCount = options.rows ?? 1;
  const pauseMs = options.pauseMs ?? 2;
  const pause = () => new Promise<void>((r) => setTimeout(r, Math.random() * pauseMs));
  await target.reset();
  const setup = collection(await target.connect());
  for (let r = 0; r < rowCount; r++) await setup.create(`row-${r}`, { id: `row-${r}`, n: 0, markers: [] });

  const stores = await Promise.all(Array.from({ length: writers }, () => target.connect()));
  const counters: WriteCounters = { attempts: 0, retries: 0 };
  const acknowledged: string[] = [];
  const attempted: string[] = [];
  const latencies: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    stores.map(async (store, w) => {
      const docs = collection<Row>(store);
      for (let i = 0; i < ops; i++) {
        const marker = `w${w}-${i}`;
        attempted.push(marker);
        const t0 = performance.now();
        try {
          await writeOnce(strategy, docs, store, `row-${(w + i) % rowCount}`, marker, counters, pause);
          acknowledged.push(marker);
          latencies.push(performance.now() - t0);
        } catch (e) {
          failed++;
          if (errors.length < 5) errors.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        }
        options.onProgress?.(acknowledged.length + failed, writers * ops);
      }
    }),
  );
  const durationMs = performance.now() - started;
  const rows: RaceRow[] = [];
  for (let r = 0; r < rowCount; r++) {
    const v = (await setup.get(`row-${r}`))?.value as { n: number; markers: string[] };
    rows.push({ id: `row-${r}`, n: v.n, markers: v.markers });
  }
  const oracle = checkHistory({ acknowledged, attempted, rows });
  return {
    strategy,
    store: target.name,
    writers,
    rows: rowCount,
    attempts: counters.attempts,
    acknowledged: acknowledged.length,
    failed,
    retries: counters.retries,
    lost: oracle.lost.length,
    duplicated: oracle.duplicated.length,
    counterOk: oracle.counterOk,
    throughputPerSec: Math.round((acknowledged.length / durationMs) * 1000),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    durationMs: Math.round(durationMs),
    oracle,
    errors,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
