import type { CellRun } from '../sections/run-hot-row-cell.js';
import { type Summary, summarize } from './summarize.js';

/** Several repetitions of one cell, summarised. */
export interface RunsSummary {
  readonly reps: number;
  /** Surviving acknowledged writes per second. */
  readonly goodput: Summary;
  readonly attemptsPerSuccess: Summary;
  readonly p50Ms: Summary;
  readonly p99Ms: Summary;
  /** CPU of the benchmark's Node process, % of one core. */
  readonly nodeCpuPct: Summary;
  /** CPU of the whole machine, % of all cores. */
  readonly machineCpuPct: Summary;
  /** CPU of other work sharing the machine, % of all cores. */
  readonly otherCpuPct: Summary;
  /** Totals over every repetition. */
  readonly acknowledged: number;
  readonly failed: number;
  readonly lost: number;
  readonly phantom: number;
}

/**
 * Medians and spreads over repetitions; counts (lost, failed…) are summed — including
 * those of `discarded` runs (re-measured because the machine was busy), whose timings are
 * dropped but whose lost writes still count.
 * @example
 * ```ts
 * summarizeRuns([run1, run2, run3]).goodput.median;
 * ```
 */
export function summarizeRuns(runs: readonly CellRun[], discarded: readonly CellRun[] = []): RunsSummary {
  const all = [...runs, ...discarded];
  const sum = (f: (r: CellRun) => number) => all.reduce((a, r) => a + f(r), 0);
  return {
    reps: runs.length,
    goodput: summarize(runs.map((r) => r.goodput)),
    attemptsPerSuccess: summarize(runs.map((r) => r.attempts / Math.max(1, r.acknowledged))),
    p50Ms: summarize(runs.map((r) => r.p50Ms)),
    p99Ms: summarize(runs.map((r) => r.p99Ms)),
    nodeCpuPct: summarize(runs.map((r) => r.nodeCpuPct)),
    machineCpuPct: summarize(runs.map((r) => r.machineCpuPct)),
    otherCpuPct: summarize(runs.map((r) => r.otherCpuPct)),
    acknowledged: sum((r) => r.acknowledged),
    failed: sum((r) => r.failed),
    lost: sum((r) => r.lost),
    phantom: sum((r) => r.phantom),
  };
}
