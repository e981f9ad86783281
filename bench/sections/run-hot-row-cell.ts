import { percentile } from 'noclobber/testing';
import { cpuMeter } from '../lib/cpu-meter.js';

/** One logical write ("add 1 to the counter"); resolves with the attempts it took, throws when it gave up. */
export type WriteOnce = () => Promise<number>;

/** What one timed run of N writers on the hot row measured. */
export interface CellRun {
  /** Writes whose caller was told "saved". */
  readonly acknowledged: number;
  /** Writes whose caller got an error (gave up, timed out): not acknowledged. */
  readonly failed: number;
  /** Tries made, retries included. */
  readonly attempts: number;
  /** Acknowledged writes missing from the counter: `acknowledged − Δcounter`, never negative. */
  readonly lost: number;
  /** Counter increments no acknowledged or failed write can explain (a write applied twice). */
  readonly phantom: number;
  readonly elapsedMs: number;
  /** Acknowledged writes that are really in the database, per second. */
  readonly goodput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU of this Node process (% of one core) and of the whole machine (% of all cores). */
  readonly nodeCpuPct: number;
  readonly machineCpuPct: number;
  /** CPU of work that is not the benchmark's, % of all cores (someone else sharing the machine). */
  readonly otherCpuPct: number;
}

/** How to run one cell. */
export interface CellSpec {
  readonly writers: readonly WriteOnce[];
  readonly durationMs: number;
  /** Puts the counter back to 0 before the run. */
  reset(): Promise<void>;
  /** Reads the counter after the run. */
  counter(): Promise<number>;
}

/**
 * Runs every writer in a loop until `durationMs` has passed (writes in flight finish),
 * then reads the counter back: `lost = acknowledged − counter`. Goodput counts only the
 * acknowledged writes that survived, so a strategy that loses writes is not paid for them.
 * @example
 * ```ts
 * const run = await runHotRowCell({ writers, durationMs: 2000, reset, counter });
 * ```
 */
export async function runHotRowCell(spec: CellSpec): Promise<CellRun> {
  await spec.reset();
  const cpu = cpuMeter();
  const latencies: number[] = [];
  let acknowledged = 0;
  let failed = 0;
  let attempts = 0;
  const started = performance.now();
  const deadline = started + spec.durationMs;
  await Promise.all(
    spec.writers.map(async (write) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          // Read `attempts` only after the await: `attempts += await …` would add to a stale value.
          const tries = await write();
          attempts += tries;
          acknowledged++;
          latencies.push(performance.now() - t0);
        } catch (e) {
          failed++;
          attempts +=
            typeof (e as { attempts?: unknown }).attempts === 'number' ? (e as { attempts: number }).attempts : 1;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const { nodePct, machinePct, otherPct } = cpu();
  const delta = await spec.counter();
  const lost = Math.max(0, acknowledged - delta);
  const phantom = Math.max(0, delta - acknowledged - failed);
  return {
    acknowledged,
    failed,
    attempts,
    lost,
    phantom,
    elapsedMs,
    goodput: ((acknowledged - lost) / elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    nodeCpuPct: nodePct,
    machineCpuPct: machinePct,
    otherCpuPct: otherPct,
  };
}
