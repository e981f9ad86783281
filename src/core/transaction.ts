import { AfterCommitError } from './errors/after-commit-error.js';
import { ConflictError } from './errors/conflict-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';
import type { NoclobberError } from './errors/noclobber-error.js';
import { TransientError } from './errors/transient-error.js';
import { isHot, markHot } from './hot-keys.js';
import { keyString } from './key.js';
import { type ResolvedRetry, retryCause } from './retry-policy.js';
import { retrying } from './retrying.js';
import type { Store, TransactOptions } from './store.js';
import { type LockPlan, Turns, Tx, TxAttempt, txUpdateConflicts, txUserErrors } from './tx.js';
import type { Row, Snapshot } from './types.js';

/** How `runTransaction` runs: the retry policy, the store's transaction options, the patch cap. */
export interface TransactionRun {
  readonly policy: ResolvedRetry;
  readonly options: TransactOptions;
  readonly maxPatchBytes: number;
}

/**
 * Runs callbacks registered for after a commit, each exactly once and in order, after the
 * commit and outside every retry. Failures do not stop the others; they are reported
 * together as one `AfterCommitError` carrying what committed.
 * @example
 * ```ts
 * await runAfterCommit([() => mailer.send(s)], { snapshot: s });
 * ```
 */
export async function runAfterCommit(
  callbacks: readonly (() => unknown)[],
  committed: { snapshot?: Snapshot<unknown>; result?: unknown },
): Promise<void> {
  const failures: unknown[] = [];
  for (const cb of callbacks) {
    try {
      await cb();
    } catch (e) {
      failures.push(e);
    }
  }
  if (failures.length > 0) {
    throw new AfterCommitError(`The write committed, but ${failures.length} afterCommit callback(s) failed`, {
      ...committed,
      failures,
    });
  }
}

/**
 * The `transact` loop, written once for every store. Each attempt is one store transaction;
 * it is re-run on transient failures and on `tx.update` conflicts, with full-jitter backoff
 * whose budget is counted by cause. Contention (serialization failures, deadlocks, moved
 * records, held leases) escalates: after `escalateAfter` of them — or after one, when all
 * those records are known hot in this process — the next attempts first lock every record
 * the earlier attempts used, stores and keys in one fixed order, so writers that keep
 * colliding queue instead of livelocking; they first take this process's turns on those
 * records, so only other processes compete for them. `tx.afterCommit` callbacks run
 * once, after the commit, outside the loop; an explicit `expect` the caller gave is never
 * retried.
 * @example
 * ```ts
 * await runTransaction(store, (tx) => tx.apply('a', ops), { policy: resolveRetry(), options: {}, maxPatchBytes: 65536 });
 * ```
 */
export async function runTransaction<T extends object, R>(
  store: Store<T>,
  fn: (tx: Tx<T>) => Promise<R>,
  run: TransactionRun,
): Promise<R> {
  const root = store as unknown as Store<Row>;
  let contention = 0;
  let plan: LockPlan = [];
  let last: TxAttempt | undefined;
  const shouldRetry = (e: NoclobberError) => {
    if (txUserErrors.has(e)) return false;
    const retry = (e.retryable && !(e instanceof ConflictError)) || txUpdateConflicts.has(e);
    if (retry && retryCause(e) === 'conflict') {
      contention++;
      if (last) plan = last.plan(plan);
      for (const [s, keys] of plan) for (const k of keys) markHot(s, keyString(s.schema, k));
    }
    return retry;
  };
  // Escalate after `escalateAfter` collisions, or after one when every record of the plan is
  // already known contended in this process (it collided within the last second): on a hot
  // set of records, optimism only burns attempts.
  const hot = () => plan.every(([s, keys]) => keys.every((k) => isHot(s, keyString(s.schema, k))));
  const maxTurnWaitMs = Math.min(run.options.lockTimeoutMs ?? 5000, run.policy.deadlineMs ?? Number.POSITIVE_INFINITY);
  const out = await retrying(
    run.policy,
    async () => {
      const escalate =
        plan.length > 0 && (contention >= run.policy.escalateAfter || (contention > 0 && hot())) ? plan : undefined;
      last = undefined;
      let attempt: TxAttempt | undefined;
      // An escalated attempt first takes this process's turns on its records (in the plan's
      // order, so two cannot wait on each other): in-process writers then never collide, and
      // only other processes compete for the database's locks. Turns end with the attempt,
      // never held across the backoff sleep.
      const turns = new Turns(maxTurnWaitMs);
      try {
        for (const [s, keys] of escalate ?? [])
          await turns.take(
            s,
            keys.map((k) => keyString(s.schema, k)),
            false,
          );
        const result = await store.transact(async (session) => {
          attempt = new TxAttempt(root, session as never, turns);
          last = attempt;
          if (escalate) {
            try {
              await attempt.lock(escalate);
            } catch (e) {
              // The caller asked for no lock: the locks escalation takes are the loop's own way
              // through contention, so not getting them in time is contention too (re-run,
              // within the budget) — unlike a lock the caller asked for (`lockAll`, `withLock`).
              if (e instanceof LockTimeoutError)
                throw new TransientError(
                  'Timed out taking the records’ locks after collisions; the transaction will run again',
                  {
                    reason: 'serialization',
                    cause: e,
                  },
                );
              throw e;
            }
          }
          return fn(new Tx<T>(attempt, store, run.maxPatchBytes));
        }, run.options);
        return { result, callbacks: attempt?.callbacks ?? [] };
      } finally {
        turns.releaseAll();
      }
    },
    shouldRetry,
  );
  await runAfterCommit(out.callbacks, { result: out.result });
  return out.result;
}
