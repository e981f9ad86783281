/** How much re-measuring a run may do, and what it did. */
interface QuietState {
  maxOtherPct: number;
  budgetMs: number;
  spentMs: number;
  remeasured: number;
  keptBusy: number;
}

const state: QuietState = { maxOtherPct: 10, budgetMs: 0, spentMs: 0, remeasured: 0, keptBusy: 0 };

/**
 * Sets the threshold of other work (% of all cores) above which a repetition is measured
 * again, and the total time re-measuring may take in this run.
 * @example
 * ```ts
 * configureQuietRetry({ maxOtherPct: 10, budgetMs: 90_000 });
 * ```
 */
export function configureQuietRetry(options: { maxOtherPct: number; budgetMs: number }): void {
  Object.assign(state, options, { spentMs: 0, remeasured: 0, keptBusy: 0 });
}

/** What re-measuring did in this run (for the report). */
export function quietRetryReport(): {
  maxOtherPct: number;
  budgetSec: number;
  spentSec: number;
  remeasured: number;
  keptBusy: number;
} {
  return {
    maxOtherPct: state.maxOtherPct,
    budgetSec: state.budgetMs / 1000,
    spentSec: state.spentMs / 1000,
    remeasured: state.remeasured,
    keptBusy: state.keptBusy,
  };
}

/**
 * Runs one repetition; when other work (not the benchmark's) used more than the threshold
 * of the machine meanwhile, measures it again — at most twice, and only while the run's
 * re-measuring budget lasts. A repetition still measured on a busy machine is kept and
 * shows its `other work %` in the tables. The discarded measurements are returned too:
 * their timings are dropped, but what they say about lost writes must still count.
 * @example
 * ```ts
 * const { kept, discarded } = await measureQuietly(() => runHotRowCell(spec), (r) => r.otherCpuPct);
 * ```
 */
export async function measureQuietly<T>(
  measure: () => Promise<T>,
  otherPct: (result: T) => number,
): Promise<{ kept: T; discarded: T[] }> {
  let kept = await measure();
  const discarded: T[] = [];
  for (let again = 0; again < 2 && otherPct(kept) > state.maxOtherPct && state.spentMs < state.budgetMs; again++) {
    const t0 = performance.now();
    discarded.push(kept);
    kept = await measure();
    state.spentMs += performance.now() - t0;
    state.remeasured++;
  }
  if (otherPct(kept) > state.maxOtherPct) state.keptBusy++;
  return { kept, discarded };
}
